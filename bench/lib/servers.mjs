// Starts a server under test as its own process (exactly as users run `scimctl serve`), waits for the
// one JSON line it prints when listening, and stops it with SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function startServer({ name, args, nodeFlags = [], cwd, timeoutMs = 30_000 }) {
  const proc = spawn(process.execPath, [...nodeFlags, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-8000);
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${name} did not report listening within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    const fail = ({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening\n${stderr}`));
    };
    // After listening, this reject is a no-op: a later exit is reported by stop().
    exited.then(fail);
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', function onData(d) {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      proc.stdout.off('data', onData);
      proc.stdout.resume();
      clearTimeout(timer);
      let info;
      try {
        info = JSON.parse(out.slice(0, nl));
      } catch {
        proc.kill('SIGKILL');
        reject(new Error(`${name} printed something other than a JSON line: ${out.slice(0, 200)}`));
        return;
      }
      resolve({
        name,
        pid: proc.pid,
        url: info.url,
        info,
        stderr: () => stderr,
        memory: () => readMemory(proc.pid),
        cpuMs: () => readCpuMs(proc.pid),
        async stop(graceMs = 10_000) {
          if (proc.exitCode !== null || proc.signalCode !== null) return exited;
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(timer);
          return result;
        },
      });
    });
  });
}

/** VmRSS and VmHWM (peak) of a live process, in bytes. */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** User + system CPU time a live process has used so far, in ms (from /proc/<pid>/stat, 10 ms ticks). */
export function readCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

// USER_HZ is 100 on every mainstream Linux build; `getconf CLK_TCK` would say otherwise.
const CLOCK_TICKS = 100;
