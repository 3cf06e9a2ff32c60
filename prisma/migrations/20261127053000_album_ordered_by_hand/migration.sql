-- AlterTable
ALTER TABLE "Album" ADD COLUMN     "orderedByHand" BOOLEAN NOT NULL DEFAULT false;
