// Opens the embedded database (DATA_DIR) and holds it, as the app server does,
// until killed. Used by cli-embedded-lock.test.ts.
import { ensureMigrated } from "@/lib/db";

void ensureMigrated().then(() => {
  console.log("holding");
  setInterval(() => undefined, 1000);
});
