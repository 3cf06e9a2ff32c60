-- Sessions are stateless tokens; this number is in each one. Signing out
-- raises it, so every token issued before no longer matches (issue 13, finding 10).
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
