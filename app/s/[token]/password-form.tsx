"use client";
// Asks for the share link's password; the server answers with a cookie that
// opens this one link, then the page reloads itself.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/app/_components/api";

export function PasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="card mx-auto max-w-sm space-y-3"
      data-testid="share-password-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api(`/api/share/${token}/unlock`, { body: { password } });
          router.refresh();
        } catch (err) {
          setError((err as Error).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h1 className="text-lg font-semibold">This album is protected</h1>
      <label className="block">
        <span className="label">Password</span>
        <input className="input" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} name="password" autoFocus />
      </label>
      {error && <p className="text-sm text-red-700" role="alert" data-testid="share-password-error">{error}</p>}
      <button className="btn w-full" disabled={busy || !password}>Open album</button>
    </form>
  );
}
