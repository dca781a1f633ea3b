// Checks a HAR file against the HAR 1.2 schema with npm `har-validator`; prints `valid` or
// the schema's complaints and exits non-zero.
import { readFileSync } from "node:fs";
import validate from "har-validator";

const har = JSON.parse(readFileSync(process.argv[2], "utf8"));
try {
  await validate.har(har);
  console.log("valid");
} catch (error) {
  console.log(JSON.stringify(error.errors ?? String(error), null, 1));
  process.exit(1);
}
