/** ARIA tabs: Left/Right (and Home/End) move between tabs and select the one reached. */
export function tabKeys<T extends string>(ids: readonly T[], current: T, select: (id: T) => void, idPrefix: string) {
  return (e: React.KeyboardEvent): void => {
    const i = ids.indexOf(current);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % ids.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + ids.length) % ids.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = ids.length - 1;
    if (next < 0) return;
    e.preventDefault();
    select(ids[next]!);
    document.getElementById(`${idPrefix}${ids[next]}`)?.focus();
  };
}
