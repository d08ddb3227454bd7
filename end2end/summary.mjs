// Prints Playwright's totals as one closing line ("e2e: N passed, N failed, N skipped"), the
// form CI reads, from the JSON report of the last run.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(new URL("./test-results/results.json", import.meta.url)));
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
console.log(`e2e: ${expected + flaky} passed, ${unexpected} failed, ${skipped} skipped`);
