// Ends the process with `code` once everything written to stdout and stderr has been handed to the OS.
// process.exit() alone drops what a pipe has not taken yet: writes to pipes are asynchronous on POSIX
// (https://nodejs.org/api/process.html#a-note-on-process-io), so `goldsmith simulate --json | slow-reader` would
// get the first 64 KB. A stream's write callback runs once that write (and so every earlier one) is flushed; a
// reader that went away (EPIPE) ends the wait too.
export async function exitFlushed(code, streams = [process.stdout, process.stderr]) {
  await Promise.all(
    streams.map(
      (stream) =>
        new Promise((resolve) => {
          if (stream.destroyed || !stream.writable) return resolve();
          stream.once('error', resolve);
          stream.write('', () => resolve());
        }),
    ),
  );
  process.exit(code);
}

// A reader that stops early (`goldsmith simulate | head`) closes the pipe: the next write fails with EPIPE, which
// Node raises as an unhandled 'error' event and a stack trace. Nobody reads any more, so the command ends quietly,
// as command-line tools do on a broken pipe.
export function endQuietlyOnBrokenPipe(streams = [process.stdout, process.stderr]) {
  for (const stream of streams) {
    stream.on('error', (error) => {
      if (error?.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
