import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/auth";
import { SignOutButton } from "./_components/sign-out-button";
import "./globals.css";

export const metadata: Metadata = {
  title: "InstaOrganizer",
  description: "Turn a pile of photos into Instagram-ready, organized albums with AI, fast.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser().catch(() => null);
  return (
    <html lang="en">
      <body>
        <header className="border-b border-neutral-200 bg-white">
          <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-3">
            <Link href="/" className="text-lg font-semibold tracking-tight">
              Insta<span className="text-brand-500">Organizer</span>
            </Link>
            <nav className="flex items-center gap-3 text-sm">
              {user ? (
                <>
                  <span className="text-neutral-600" data-testid="signed-in-as">
                    {user.name}
                  </span>
                  <SignOutButton />
                </>
              ) : (
                <>
                  <Link href="/signin" className="btn-secondary">
                    Sign in
                  </Link>
                  <Link href="/signup" className="btn">
                    Sign up
                  </Link>
                </>
              )}
            </nav>
          </div>
        </header>
        <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}
