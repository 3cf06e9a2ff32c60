import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth";
import { CreateTeamForm } from "../../_components/create-team-form";

export const dynamic = "force-dynamic";

export default async function NewTeamPage() {
  if (!(await currentUser())) redirect("/signin?callbackUrl=/teams/new");
  return <CreateTeamForm />;
}
