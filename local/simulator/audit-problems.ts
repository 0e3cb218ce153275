/** Problems of one kind beyond this many are summarized, so a systematic fault doesn't flood the report. */
const MAX_PROBLEMS_PER_CHECK = 5;

/** An audit's problems, grouped by the check that found them. */
export class ProblemsByCheck {
  private readonly byCheck = new Map<string, string[]>();

  add(check: string, problem: string): void {
    const list = this.byCheck.get(check);
    if (list) list.push(problem);
    else this.byCheck.set(check, [problem]);
  }

  /** Each check's first problems, then how many more like them there were. */
  list(): string[] {
    const problems: string[] = [];
    for (const [check, list] of this.byCheck) {
      problems.push(...list.slice(0, MAX_PROBLEMS_PER_CHECK));
      if (list.length > MAX_PROBLEMS_PER_CHECK)
        problems.push(`${check}: ${list.length - MAX_PROBLEMS_PER_CHECK} more like these`);
    }
    return problems;
  }
}
