/** A list's filter as typed: a text passes when it holds every word of the filter, in any case. */
export function wordFilter(filter: string): (text: string) => boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return (text) => {
    const t = text.toLowerCase();
    return words.every((w) => t.includes(w));
  };
}
