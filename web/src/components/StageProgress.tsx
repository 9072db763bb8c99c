import type { Progress } from "../api/client";
import { stageStates } from "../dashboard/stages";

type Props = { progress: Progress; label: string };

/** A bar per ingestion stage, filled from the server's progress events. */
export function StageProgress({ progress, label }: Props) {
  return (
    <ol className="stages" aria-label={label}>
      {stageStates(progress).map(({ stage, label, state, fraction, count }) => (
        <li key={stage} className={`stage-row stage-${state}`} data-stage={stage}>
          <span className="stage-name">{label}</span>
          <progress
            aria-label={label}
            max={1}
            {...(fraction === null ? {} : { value: fraction })}
            aria-valuetext={count}
          />
          <span className="stage-count">{count}</span>
        </li>
      ))}
    </ol>
  );
}
