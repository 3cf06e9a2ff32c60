-- Sharpness is measured on a new scale (docs/decisions/010): values stored
-- before cannot be compared with new ones or converted. Clear them; the image
-- worker re-measures them from the originals (lib/images/remeasure.ts), and
-- until then those photos count as unmeasured rather than misjudged.
UPDATE "Photo" SET "sharpness" = NULL WHERE "sharpness" IS NOT NULL;
