-- The face stage (lib/faces): one scan per (team, content, detector version),
-- linked from each photo of that content, with the face count copied onto the
-- photo for the People filter.

-- CreateTable
CREATE TABLE "FaceScan" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "faceCount" INTEGER,
    "eyesClosed" INTEGER NOT NULL DEFAULT 0,
    "mainFaceSharpness" DOUBLE PRECISION,
    "faces" JSONB NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FaceScan_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Photo" ADD COLUMN     "faceCount" INTEGER,
ADD COLUMN     "faceScanId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "FaceScan_teamId_contentHash_version_key" ON "FaceScan"("teamId", "contentHash", "version");

-- AddForeignKey
ALTER TABLE "Photo" ADD CONSTRAINT "Photo_faceScanId_fkey" FOREIGN KEY ("faceScanId") REFERENCES "FaceScan"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FaceScan" ADD CONSTRAINT "FaceScan_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;
