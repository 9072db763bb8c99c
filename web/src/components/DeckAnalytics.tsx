import { useCallback, useEffect, useState } from "react";
import { api, load, type Analytics, type Deck } from "../api/client";

type Props = { deck: Deck };

const when = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

/** Views and questions per slide as bars, and the questions the chat could not answer. */
export function DeckAnalytics({ deck }: Props) {
  const [data, setData] = useState<Analytics>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);
  const refresh = useCallback(() => setRound((n) => n + 1), []);
  useEffect(
    () =>
      load(
        () => api.GET("/api/decks/{ref}/analytics", { params: { path: { ref: deck.id } } }),
        setData,
        setError,
      ),
    [deck.id, round],
  );

  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading analytics…</p>;
  // Each column is scaled to its own busiest slide: views far outnumber questions.
  const mostViews = Math.max(1, ...data.slides.map((slide) => slide.views));
  const mostQuestions = Math.max(1, ...data.slides.map((slide) => slide.questions));
  return (
    <div className="analytics">
      <p>
        <strong>{data.total_views}</strong> slide views · <strong>{data.total_questions}</strong> questions ·{" "}
        <button type="button" className="link-button" onClick={refresh}>
          Refresh
        </button>
      </p>
      <div className="table-scroll" role="region" aria-label="Per slide" tabIndex={0}>
        <table className="bars">
          <caption className="visually-hidden">Views and questions per slide</caption>
          <thead>
            <tr>
              <th scope="col">Slide</th>
              <th scope="col">Views</th>
              <th scope="col">Questions</th>
            </tr>
          </thead>
          <tbody>
            {data.slides.map((slide) => (
              <tr key={slide.number}>
                <th scope="row">
                  {slide.number}
                  {slide.title && <span className="muted"> {slide.title}</span>}
                </th>
                <td>
                  <Bar value={slide.views} most={mostViews} kind="views" />
                </td>
                <td>
                  <Bar value={slide.questions} most={mostQuestions} kind="questions" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Questions the chat could not answer</h3>
      {data.unanswered.length === 0 ? (
        <p className="muted">None so far.</p>
      ) : (
        <ul className="unanswered">
          {data.unanswered.map((item, n) => (
            <li key={n}>
              <span className="question">{item.question}</span>{" "}
              <span className="muted">
                {item.slide !== null ? `on slide ${item.slide}, ` : ""}
                {when(item.asked_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Bar({ value, most, kind }: { value: number; most: number; kind: string }) {
  return (
    <span className="bar-cell">
      {value > 0 && (
        <span
          className={`bar bar-${kind}`}
          style={{ width: `${(100 * value) / most}%` }}
          aria-hidden="true"
        />
      )}
      <span className="bar-value">{value}</span>
    </span>
  );
}
