import { AuthForm } from "../_components/auth-form";

// Rendered on the server with the form in the HTML: no blank page while the script loads.
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  return <AuthForm mode="signin" callbackUrl={typeof callbackUrl === "string" ? callbackUrl : undefined} />;
}
