-- Culling: a person's star rating (1-5, NULL: unrated) and pick/reject flag.
CREATE TYPE "PickFlag" AS ENUM ('PICK', 'REJECT');

ALTER TABLE "Photo" ADD COLUMN "rating" INTEGER,
ADD COLUMN "flag" "PickFlag",
ADD COLUMN "searchVector" tsvector;

-- Full-text search over a photo's words: its file name, a person's caption,
-- hashtags and category, and the model's description, tags, caption, hashtags
-- and category (AnalysisCache.result). A trigger keeps the vector current
-- whichever code writes the photo; it fires only when one of those columns is
-- set, so the queue's state and lease updates do not pay for it. Cache rows
-- are written once and never change, so reading the one the photo points at
-- is enough. Weights: category, tags and hashtags (A) over captions and the
-- file name (B) over the description (C).
CREATE FUNCTION photo_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r jsonb;
  tags text;
  hashtags text;
BEGIN
  SELECT result INTO r FROM "AnalysisCache" WHERE id = NEW."analysisId";
  IF jsonb_typeof(r->'tags') = 'array' THEN
    SELECT string_agg(t, ' ') INTO tags FROM jsonb_array_elements_text(r->'tags') AS t;
  END IF;
  IF jsonb_typeof(r->'hashtags') = 'array' THEN
    SELECT string_agg(t, ' ') INTO hashtags FROM jsonb_array_elements_text(r->'hashtags') AS t;
  END IF;
  NEW."searchVector" :=
    setweight(to_tsvector('english', concat_ws(' ',
      NEW."userCategory", NEW."category", r->>'category', tags,
      replace(coalesce(hashtags, ''), '#', ' '),
      replace(array_to_string(NEW."userHashtags", ' '), '#', ' '))), 'A') ||
    -- "IMG_2041-beach.jpg" -> "IMG 2041 beach jpg": the parser would read it as one file-name token.
    setweight(to_tsvector('english', concat_ws(' ',
      regexp_replace(NEW."originalName", '[^[:alnum:]]+', ' ', 'g'), NEW."userCaption", r->>'caption')), 'B') ||
    setweight(to_tsvector('english', coalesce(r->>'description', '')), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER "Photo_searchVector_update"
BEFORE INSERT OR UPDATE OF "originalName", "userCaption", "userHashtags", "userCategory", "category", "analysisId"
ON "Photo" FOR EACH ROW EXECUTE FUNCTION photo_search_vector();

-- Photos that exist already.
UPDATE "Photo" SET "originalName" = "originalName";

-- CreateIndex
CREATE INDEX "Photo_searchVector_idx" ON "Photo" USING GIN ("searchVector");
