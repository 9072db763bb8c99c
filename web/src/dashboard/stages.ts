/** The ingestion stages a job reports (deckchat/core/deck.py Stage), as a list of bars to draw. */
import type { Progress, Stage } from "../api/client";

export const STAGES: readonly { stage: Exclude<Stage, "queued" | "done">; label: string }[] = [
  { stage: "validate", label: "Check the file" },
  { stage: "convert", label: "Convert" },
  { stage: "render", label: "Render slides" },
  { stage: "ocr", label: "Read image-only slides" },
  { stage: "notes", label: "Read notes" },
  { stage: "index", label: "Make it searchable" },
  { stage: "store", label: "Save" },
];

export type StageState = {
  stage: Stage;
  label: string;
  state: "done" | "active" | "waiting";
  /** 0..1, or null while the stage has no count yet (an indeterminate bar). */
  fraction: number | null;
  count: string;
};

/**
 * One bar per stage. Stages before the current one are done; a stage a file does not need (a PDF is not
 * converted) is passed over by the job and shows as done with the rest.
 */
export function stageStates(progress: Pick<Progress, "stage" | "done" | "total">, finished = false) {
  const at = STAGES.findIndex(({ stage }) => stage === progress.stage);
  const over = finished || progress.stage === "done";
  return STAGES.map(({ stage, label }, index): StageState => {
    if (over || (at >= 0 && index < at)) return { stage, label, state: "done", fraction: 1, count: "done" };
    if (index === at) {
      const { done, total } = progress;
      const fraction = total > 0 ? Math.min(done / total, 1) : null;
      return {
        stage,
        label,
        state: "active",
        fraction,
        count: total > 0 ? `${done} of ${total}` : "working",
      };
    }
    return { stage, label, state: "waiting", fraction: 0, count: "waiting" };
  });
}
