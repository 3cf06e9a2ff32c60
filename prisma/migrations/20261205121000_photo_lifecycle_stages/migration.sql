-- The photo lifecycle records its stages instead of leaving them to be inferred
-- from other columns (lib/photos/lifecycle.ts; docs/architecture.md draws it).
CREATE TYPE "PhotoStage" AS ENUM ('PIPELINE', 'ANALYSIS');

ALTER TABLE "Photo" ADD COLUMN "failedStage" "PhotoStage",
ADD COLUMN "preparedAt" TIMESTAMP(3),
ADD COLUMN "measuredVersion" INTEGER;

-- Old rows read as before. The pipeline fills width in the same write that
-- leaves PROCESSING for QUEUED, so a photo with a width was prepared; when is
-- not recorded, its upload time is the best bound there is.
UPDATE "Photo" SET "preparedAt" = "createdAt" WHERE width IS NOT NULL;

-- A FAILED photo without a width failed in the pipeline; with one, in analysis.
UPDATE "Photo" SET "failedStage" = CASE WHEN width IS NULL THEN 'PIPELINE'::"PhotoStage" ELSE 'ANALYSIS'::"PhotoStage" END
 WHERE state = 'FAILED';

-- Measurements: version 2 measures sharpness on the scale of ADR 010. A prepared
-- photo without sharpness still has the old scale's cleared value (migration
-- 20261127190000_sharpness_new_scale) and waits for lib/images/remeasure.ts.
UPDATE "Photo" SET "measuredVersion" = CASE WHEN sharpness IS NULL THEN 1 ELSE 2 END WHERE width IS NOT NULL;
