/** What the shapes mean: roles and message glyphs, always visible and small. */
import { useState } from 'react';
import { glyphPath, legendGlyphs } from './glyphs.ts';
import { familyColor } from './colors.ts';

export function Legend() {
  const [open, setOpen] = useState(false);
  return (
    <div className={`legend${open ? ' open' : ''}`}>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Legend
      </button>
      {open && (
        <div className="legend-body">
          <p>
            <b>Members:</b> ◎ double ring = leader · ○ follower · dashed = candidate · dotted = pre-candidate · ▢ learner · ✕ crashed. The outer arc is the election timeout counting down; the strip is the latest log entries coloured by term, bar = commit, ▲ = applied.
          </p>
          <ul>
            {legendGlyphs().map((g) => (
              <li key={g.name}>
                <svg width="22" height="22" viewBox="-11 -11 22 22" aria-hidden="true">
                  <path d={glyphPath(g.shape, 7)} fill={g.response ? '#fff' : familyColor[g.family]} stroke={familyColor[g.family]} strokeWidth={2} />
                  <text y={3.5} textAnchor="middle" fontSize="8" fontWeight="700" fill={g.response ? familyColor[g.family] : '#fff'}>
                    {g.label}
                  </text>
                </svg>
                {g.name}
              </li>
            ))}
          </ul>
          <p>Links: solid = healthy · half red dashed with ✕ and arrow = cut one way (the arrow points at the member that no longer hears the other) · red dashed ✕ = cut both ways.</p>
        </div>
      )}
    </div>
  );
}
