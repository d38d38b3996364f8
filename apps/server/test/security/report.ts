/**
 * Each security test says what it checked: checks are recorded as they pass and printed as
 * one block when the file ends (`afterAll(() => report.print())`).
 */
export class SecurityReport {
  private readonly lines: string[] = [];
  constructor(private readonly title: string) {}

  /** Records one verified fact, e.g. "GET /api/device/:id with tenant A's id → 404". */
  checked(line: string): void {
    this.lines.push(line);
  }

  print(): void {
    const body = this.lines.map((l) => `  ✓ ${l}`).join('\n');
    process.stdout.write(`\n[security] ${this.title}: ${this.lines.length} checks\n${body}\n`);
  }
}
