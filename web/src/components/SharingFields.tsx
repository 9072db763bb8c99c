import { useId } from "react";
import type { Visibility } from "../api/client";
import {
  defaultExpiry,
  needsPassword,
  PASSWORD_MIN,
  VISIBILITIES,
  type SharingDraft,
} from "../dashboard/sharing";

type Props = {
  draft: SharingDraft;
  onChange: (draft: SharingDraft) => void;
  /** Whether the deck has a password already (a new deck has none). */
  hasPassword: boolean;
  disabled?: boolean;
};

/** Who may open a deck: the mode with what it means, the password for that mode, and an expiry. */
export function SharingFields({ draft, onChange, hasPassword, disabled = false }: Props) {
  const id = useId();
  const set = (changes: Partial<SharingDraft>) => onChange({ ...draft, ...changes });
  const chosen = VISIBILITIES.find((choice) => choice.mode === draft.visibility);
  const asking = needsPassword(draft, hasPassword);

  return (
    <div className="sharing-fields">
      <div className="field">
        <label htmlFor={`${id}-visibility`}>Who can open it</label>
        <select
          id={`${id}-visibility`}
          value={draft.visibility}
          disabled={disabled}
          aria-describedby={`${id}-visibility-hint`}
          onChange={(event) => set({ visibility: event.target.value as Visibility })}
        >
          {VISIBILITIES.map(({ mode, label, short }) => (
            <option key={mode} value={mode}>
              {label} — {short}
            </option>
          ))}
        </select>
        <p id={`${id}-visibility-hint`} className="muted hint">
          {chosen?.hint}
        </p>
      </div>
      {draft.visibility === "password" && (
        <div className="field">
          {asking ? (
            <>
              <label htmlFor={`${id}-password`}>
                {hasPassword ? "New password" : "Password"}{" "}
                <span className="muted">(at least {PASSWORD_MIN} characters)</span>
              </label>
              <input
                id={`${id}-password`}
                type="password"
                autoComplete="new-password"
                maxLength={1000}
                value={draft.password}
                disabled={disabled}
                onChange={(event) => set({ password: event.target.value })}
              />
              {hasPassword && (
                <button
                  type="button"
                  className="link-button"
                  disabled={disabled}
                  onClick={() => set({ changePassword: false, password: "" })}
                >
                  Keep the current password
                </button>
              )}
            </>
          ) : (
            <p className="password-set">
              A password is set.{" "}
              <button
                type="button"
                className="link-button"
                disabled={disabled}
                onClick={() => set({ changePassword: true })}
              >
                Change password
              </button>
            </p>
          )}
        </div>
      )}
      <fieldset className="expiry">
        <legend>Link expiry</legend>
        <label className="check">
          <input
            type="radio"
            name={`${id}-expiry`}
            checked={!draft.expiring}
            disabled={disabled}
            onChange={() => set({ expiring: false })}
          />
          No expiry
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${id}-expiry`}
            checked={draft.expiring}
            disabled={disabled}
            onChange={() => set({ expiring: true, expires: draft.expires || defaultExpiry() })}
          />
          Stops working at
        </label>
        {draft.expiring && (
          <input
            type="datetime-local"
            aria-label="Expiry date and time"
            value={draft.expires}
            disabled={disabled}
            onChange={(event) => set({ expires: event.target.value })}
          />
        )}
      </fieldset>
    </div>
  );
}
