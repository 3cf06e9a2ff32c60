-- AlterTable
ALTER TABLE "AnalysisRun" ADD COLUMN     "failedRequests" INTEGER NOT NULL DEFAULT 0;
