/**
 * Diagnostics are data: a code a program can match, the node (and port or param) they belong to,
 * and a sentence a user understands. The editor shows them on the node; the CLI prints them.
 */
export type DiagnosticCode =
  | 'invalid_document'
  | 'future_version'
  | 'duplicate_id'
  | 'unknown_kind'
  | 'unknown_port'
  | 'dangling_wire'
  | 'required_input_missing'
  | 'too_many_wires'
  | 'incompatible_wire'
  | 'incompatible_shape'
  | 'cycle'
  | 'bad_param'
  | 'param_out_of_range'
  | 'unknown_param'
  | 'bad_scope'
  | 'invalid_graph';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'error' | 'warning';
  /** The node the problem belongs to; absent for document-level problems. */
  node?: string;
  /** The port or param within that node. */
  port?: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.node ? (d.port ? `${d.node}.${d.port}` : d.node) : 'graph';
  return `${where}: ${d.message}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
