-- AlterTable
ALTER TABLE "AnalysisRun" ADD COLUMN     "bindingLimit" TEXT,
ADD COLUMN     "limitUsed" DOUBLE PRECISION,
ADD COLUMN     "repaired" INTEGER NOT NULL DEFAULT 0;
