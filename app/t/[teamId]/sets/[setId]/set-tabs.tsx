"use client";
// Tabs of a set; the active one follows the URL.
import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { href: "", label: "Photos" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/results", label: "Results" },
  { href: "/albums", label: "Albums" },
];

export function SetTabs({ base }: { base: string }) {
  const path = usePathname();
  return (
    <nav className="mt-3 flex gap-1 border-b border-neutral-200 text-sm" aria-label="Set sections">
      {TABS.map((t) => {
        const href = base + t.href;
        const active = t.href === "" ? path === base : path.startsWith(href);
        return (
          <Link
            key={t.label}
            href={href}
            aria-current={active ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 ${active ? "border-brand-500 font-medium text-neutral-900" : "border-transparent text-neutral-500 hover:text-neutral-800"}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
