"use client";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { sameOriginPath } from "@/lib/auth/redirect";
import { api } from "./api";

const TAKEN_OR_WRONG =
  "We could not sign you in with this password. If this e-mail already has an account, sign in with that account's password instead.";

function signInMessage(error: string): string {
  return error === "CredentialsSignin" ? "Wrong email or password." : error;
}

/**
 * `callbackUrl` comes from the page (its searchParams), not useSearchParams:
 * that hook made the form render only in the browser, so the page was blank
 * until the script ran (a white flash between the landing page and sign-up).
 */
export function AuthForm({ mode, callbackUrl }: { mode: "signin" | "signup"; callbackUrl?: string }) {
  const router = useRouter();
  // Passed on as is to the other form's link (a page of this site, which checks it
  // itself); only ever navigated to after sameOriginPath.
  const next = callbackUrl ?? "/";
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    try {
      if (mode === "signup") await api("/api/signup", { body: { email, password, name: String(form.get("name") ?? "") } });
      const res = await signIn("credentials", { email, password, redirect: false });
      // Sign-up answers the same for a taken e-mail (it must not tell who has an account);
      // if signing in with the new password fails, the e-mail most likely had one already.
      if (mode === "signup" && res?.error === "CredentialsSignin") throw new Error(TAKEN_OR_WRONG);
      if (!res || res.error) throw new Error(signInMessage(res?.error ?? "Sign-in failed."));
      router.push(sameOriginPath(next, window.location.origin));
      router.refresh();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  const other = mode === "signin" ? "/signup" : "/signin";
  return (
    <form onSubmit={(e) => void onSubmit(e)} className="card mx-auto mt-10 max-w-sm space-y-4">
      <h1 className="text-xl font-semibold">{mode === "signin" ? "Sign in" : "Create your account"}</h1>
      {mode === "signup" && (
        <div>
          <label className="label" htmlFor="name">Name</label>
          <input className="input" id="name" name="name" required maxLength={100} autoComplete="name" />
        </div>
      )}
      <div>
        <label className="label" htmlFor="email">Email</label>
        <input className="input" id="email" name="email" type="email" required autoComplete="email" />
      </div>
      <div>
        <label className="label" htmlFor="password">Password</label>
        <input
          className="input"
          id="password"
          name="password"
          type="password"
          required
          minLength={mode === "signup" ? 10 : 1}
          autoComplete={mode === "signup" ? "new-password" : "current-password"}
        />
        {mode === "signup" && <p className="mt-1 text-xs text-neutral-500">At least 10 characters.</p>}
      </div>
      {error && (
        <p role="alert" data-testid="form-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <button className="btn w-full" disabled={busy}>
        {busy ? "Please wait…" : mode === "signin" ? "Sign in" : "Sign up"}
      </button>
      <p className="text-center text-sm text-neutral-600">
        {mode === "signin" ? "No account yet? " : "Already have an account? "}
        <Link className="underline" href={`${other}?callbackUrl=${encodeURIComponent(next)}`}>
          {mode === "signin" ? "Sign up" : "Sign in"}
        </Link>
      </p>
    </form>
  );
}
