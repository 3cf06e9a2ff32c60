-- AlterTable
ALTER TABLE "Photo" ADD COLUMN     "category" TEXT,
ADD COLUMN     "instagramScore" DOUBLE PRECISION,
ADD COLUMN     "qualityScore" DOUBLE PRECISION;

-- CreateIndex
CREATE INDEX "Photo_setId_instagramScore_idx" ON "Photo"("setId", "instagramScore");
