// The set's Photos tab: upload (members and up) and the photos as they become ready.
import { atLeast, pageTeamAccess } from "@/lib/teams";
import { IngestPhotos } from "./_components/ingest-photos";
import { IngestUploader } from "./_components/ingest-uploader";

export const dynamic = "force-dynamic";

export default async function SetPhotosPage({ params }: { params: Promise<{ teamId: string; setId: string }> }) {
  const { teamId, setId } = await params;
  // The layout already answered 404 for a set outside this team.
  const { team, role } = await pageTeamAccess(teamId, "VIEWER", `/t/${teamId}/sets/${setId}`);
  return (
    <div className="space-y-4">
      {atLeast(role, "MEMBER") && <IngestUploader teamId={team.id} setId={setId} />}
      <IngestPhotos teamId={team.id} setId={setId} />
    </div>
  );
}
