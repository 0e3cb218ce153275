/**
 * The one peak-memory figure a run reports (`run.peakRssMb`, the `simulate` totals, the benchmarks): the simulating
 * process's peak resident set in MiB. It is the kernel's high-water mark of the process (getrusage's ru_maxrss, in
 * KiB on Linux: what `/usr/bin/time %M` reports; https://nodejs.org/api/process.html#processresourceusage), or the
 * highest resident set sampled if that is higher (a platform whose ru_maxrss lags). It includes everything the
 * process did before the figure was read; a worker process (the synthesis worker) is not in it.
 */

const BYTES_PER_MIB = 1_048_576;
const KIB_PER_MIB = 1024;

/** Peak memory in MiB from the highest sampled resident set (bytes) and the kernel's high-water mark (KiB). */
export function peakMib(sampledRssBytes: number, maxRssKib: number): number {
  return Math.max(sampledRssBytes / BYTES_PER_MIB, maxRssKib / KIB_PER_MIB);
}

/** "412 MiB": how every output prints the figure. */
export function formatMib(mib: number): string {
  return `${mib.toFixed(0)} MiB`;
}

/** Samples the process's resident set on demand (and every `everyMs`, if given) and reads the peak. */
export function peakMemory(everyMs?: number): { sample(): void; mib(): number; stop(): void } {
  let highest = process.memoryUsage.rss();
  const sample = () => {
    highest = Math.max(highest, process.memoryUsage.rss());
  };
  const timer = everyMs === undefined ? undefined : setInterval(sample, everyMs);
  timer?.unref();
  return {
    sample,
    mib: () => {
      sample();
      return peakMib(highest, process.resourceUsage().maxRSS);
    },
    stop: () => clearInterval(timer),
  };
}
