-- The image pipeline refused the file for its content (truncated, corrupt, too
-- many pixels, not an image): "Retry failed" leaves it alone, since only a new
-- file can change the answer. Photos that failed before this column existed
-- are retried once and marked then.
ALTER TABLE "Photo" ADD COLUMN "unreadable" BOOLEAN NOT NULL DEFAULT false;

-- Other names the same content arrived under in this set ("IMG_1.jpg" and
-- "IMG_1 copy.jpg"): stored once, every name kept and shown.
ALTER TABLE "Photo" ADD COLUMN "otherNames" TEXT[] DEFAULT ARRAY[]::TEXT[];
