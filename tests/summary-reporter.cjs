// Prints one plain closing line, "N passed, N failed, N skipped", that any CI can read, and before
// it the slowest test files, so whoever watches the suite's time knows where it goes.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const slowest = results.testResults
      .map((r) => ({ file: r.testFilePath.replace(/^.*?\/tests\//, 'tests/'), s: (r.perfStats.end - r.perfStats.start) / 1000 }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 12);
    if (slowest.length > 1) process.stdout.write(`\nslowest test files:\n${slowest.map((t) => `  ${t.s.toFixed(1).padStart(6)} s  ${t.file}`).join('\n')}\n`);
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
