/** Recent files, kept in the user-data folder (atomic writes; a broken file just means an empty list). */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../nodes/runtime/fs-atomic.ts';

export class RecentFiles {
  private items: string[] = [];
  constructor(
    private readonly file: string,
    private readonly max = 10,
    private readonly onChange?: (items: string[]) => void,
  ) {
    try {
      const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (Array.isArray(v)) this.items = v.filter((x): x is string => typeof x === 'string').slice(0, max);
    } catch {
      this.items = [];
    }
  }
  list(): string[] {
    return [...this.items];
  }
  add(path: string): void {
    this.items = [path, ...this.items.filter((p) => p !== path)].slice(0, this.max);
    void writeFileAtomic(this.file, JSON.stringify(this.items)).catch(() => undefined);
    this.onChange?.(this.list());
  }
  clear(): void {
    this.items = [];
    void writeFileAtomic(this.file, '[]').catch(() => undefined);
    this.onChange?.([]);
  }
}
