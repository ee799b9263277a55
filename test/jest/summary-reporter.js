/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, that tools reading a log for a
 * test summary understand without knowing jest's own format. Written at exit so that it comes after
 * jest's own summary, which is printed after custom reporters run.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const line = `${numPassedTests} passed, ${numFailedTests + numRuntimeErrorTestSuites} failed, ${numPendingTests + numTodoTests} skipped`;
    process.once('exit', () => process.stderr.write(`\n${line}\n`));
  }
}

module.exports = SummaryReporter;
