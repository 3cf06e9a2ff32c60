-- A share link's ZIP names its files 001.jpg, 002.jpg ... and leaves the
-- original names out unless the owner chose to include them (issue 13, finding 6).
ALTER TABLE "ShareLink" ADD COLUMN "includeNames" BOOLEAN NOT NULL DEFAULT false;
