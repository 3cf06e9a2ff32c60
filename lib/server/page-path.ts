// The request header through which proxy.ts tells a page which path was asked
// for: a not-found page gets no params from Next, and one that explains what
// happened (a share link's) needs them. The proxy always sets it, so a client
// cannot choose its value on a page request.
export const PAGE_PATH_HEADER = "x-page-path";
