// Worker-process side of the search's local pool: runs the trials it is sent over IPC, one at a
// time, and sends each result (or the error) back; exits when its parent goes. Started by pool.ts.
import { toThreadError } from '../threads';
import { TrialJob, runTrial } from './trial';

const send = process.send?.bind(process);
if (send) {
  process.on('message', (job: TrialJob) => {
    runTrial(job)
      .then((result) => send({ ok: true, result }))
      .catch((e: unknown) => send({ ok: false, error: toThreadError(e) }));
  });
  process.on('disconnect', () => process.exit(0));
}
