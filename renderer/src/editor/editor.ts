/**
 * The Rete binding over our framework-free graph model (nodes/core): turns node kind descriptors
 * into Rete nodes, a graph document into an editor state and back, refuses wires with the same
 * `canConnect` the compiler uses, and wires up history, selection, scopes, minimap and arrange.
 * The Svelte app talks to this class only; it never touches Rete directly.
 */
import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ClassicFlow, ConnectionPlugin, getSourceTarget } from 'rete-connection-plugin';
import { Presets as SveltePresets, SveltePlugin } from 'rete-svelte-plugin/5';
import { HistoryPlugin, Presets as HistoryPresets, type HistoryAction } from 'rete-history-plugin';
import { MinimapPlugin } from 'rete-minimap-plugin';
import { AutoArrangePlugin, Presets as ArrangePresets } from 'rete-auto-arrange-plugin';
import { ScopesPlugin, Presets as ScopesPresets } from 'rete-scopes-plugin';
import {
  type AnyNodeKind,
  canConnect,
  graphSchema,
  type Diagnostic,
  type GraphDocument,
  type GraphNode,
  type JsonObject,
  type JsonValue,
  type KindRegistry,
  nearestKind,
  nearestName,
  nodeIdProblem,
  type QuickRun,
  type RunLimits,
  scopeRing,
  splitQuickKey,
  type Wire,
} from '../../../nodes/core/index.ts';
import { freshRecordNames } from '../lib/record-names';
import { HEADER, LabConnection, LabNode, portRows, ROW, type Schemes } from './model';
import NodeView from './NodeView.svelte';
import SocketView from './SocketView.svelte';
import ConnectionView from './ConnectionView.svelte';

type AreaExtra = any; // the union of render signals of the plugins below; Rete types it loosely

export type ChangeKind = 'structure' | 'position' | 'params' | 'load';

/** The graph's own fields that the app edits (graph settings in the inspector). */
export type GraphFields = Pick<GraphDocument, 'name' | 'description' | 'seed' | 'quick'>;

/** Below this zoom a card's text is too small to read. */
const READABLE_ZOOM = 0.5;
/** The zoom [ and ] step to from one too small to read. */
const STEP_ZOOM = 0.85;

export interface EditorCallbacks {
  onChange(kind: ChangeKind): void;
  onSelection(ids: string[]): void;
  /** A wire the user tried to make was refused; `reason` is the sentence to show. */
  onRefused(reason: string): void;
  /** A wire the user made took the place of the one an input had (it takes one); `wire` names the one removed. */
  onReplaced?(wire: string): void;
  /** Deleting (or cutting) loop scopes took nodes that were not selected with them, their bodies: `text` says which. */
  onBodiesDeleted?(text: string): void;
}

interface Clip {
  nodes: GraphNode[];
  wires: Wire[];
}

/** An edit undone and redone by applying its value before and after (params, labels, loop-scope membership). */
class ValueAction<T> implements HistoryAction {
  constructor(
    private readonly apply: (value: T) => Promise<void>,
    private readonly before: T,
    private readonly after: T,
  ) {}
  async undo(): Promise<void> {
    await this.apply(this.before);
  }
  async redo(): Promise<void> {
    await this.apply(this.after);
  }
}

type ParentMap = Map<string, string | undefined>;

/** A card's place and size on the canvas. */
type Box = { x: number; y: number; w: number; h: number };
/** How near a dropped card may come to the canvas's edges, in screen pixels (`dropSpot`). */
const DROP_MARGIN = 8;
/** How far, in screen pixels, a dropped card is moved at most to be clear of the cards already there (`dropSpot`). */
const DROP_NUDGE = 64;
/** Whether two cards overlap or come within 8 px of each other. */
const crowds = (a: Box, b: Box): boolean => a.x < b.x + b.w + 8 && b.x < a.x + a.w + 8 && a.y < b.y + b.h + 8 && b.y < a.y + a.h + 8;
/** One step in the history plugin's record; a node move has the node's id and its place before and after. */
type HistoryRecord = { action: { nodeId?: string; prev?: unknown; new?: unknown }; time: number; separated?: boolean };

/** A wire the keyboard can make (`wireChoices`): its ends, a line to show, and whether it replaces an input's wire. */
export interface WireChoice {
  from: string;
  output: string;
  to: string;
  input: string;
  text: string;
  replaces: boolean;
}

/** A document the editor cannot show without losing part of it (a node kind it does not know); the canvas is left as it was. */
export class UnreadableGraph extends Error {}

export class LabEditor {
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  private readonly history = new HistoryPlugin<Schemes>();
  private readonly selector = AreaExtensions.selector();
  private readonly arrange = new AutoArrangePlugin<Schemes>();
  private readonly connection = new ConnectionPlugin<Schemes, AreaExtra>();
  /** A wire is being drawn from a socket (between the plugin's connectionpick and connectiondrop). */
  private drawingWire = false;
  private base: GraphDocument = { format: 'plasticity-graph', version: 1, name: 'untitled', seed: 1, nodes: [], wires: [] };
  private order: string[] = [];
  private loading = false;
  private clip: Clip | null = null;
  private selectionTimer = 0;
  private lastSelection = '';
  private minimapOn = true;
  private readonly scopes: ScopesPlugin<Schemes>;
  /** Every node's loop scope, as of the last check: a change is a structural edit (it recompiles) and an undo step. */
  private lastParents: ParentMap = new Map();
  private applyingParents = false;
  private readonly resizeObserver: ResizeObserver;
  /**
   * The view is as Fit left it (Fit, a layout, a graph opened) and the user has not panned or zoomed since: when the
   * canvas is resized (the run panel opening below it, the window), it is fitted again rather than kept centred, so
   * the graph does not end up under the panel or the minimap.
   */
  private fitted = false;
  /** zoomToFit is moving the view: the moves are not the user's. */
  private fitting = 0;
  private refitTimer = 0;

  constructor(
    readonly container: HTMLElement,
    readonly registry: KindRegistry,
    private readonly cb: EditorCallbacks,
  ) {
    this.area = new AreaPlugin<Schemes, AreaExtra>(container);
    // The canvas resized (the window, or a panel beside it): the point at its centre stays at the centre, so
    // shrinking the window does not push the graph out at the right and bottom. A hidden canvas (size 0) is
    // left alone.
    let size = { w: container.clientWidth, h: container.clientHeight };
    this.resizeObserver = new ResizeObserver(() => {
      const now = { w: container.clientWidth, h: container.clientHeight };
      if (size.w && size.h && now.w && now.h && (now.w !== size.w || now.h !== size.h)) {
        if (this.fitted) {
          // Once the resizing settles (a panel dragged taller resizes the canvas many times).
          window.clearTimeout(this.refitTimer);
          this.refitTimer = window.setTimeout(() => void (this.fitted && this.zoomToFit()), 60);
        } else {
          // A graph the user had wholly in view (panned or zoomed since a Fit) stays in view: the run panel opening
          // below it used to leave the bottom cards under the minimap or the canvas's edge until Fit.
          const r = container.getBoundingClientRect();
          const wasInView = this.allInView({ left: r.left, top: r.top, right: r.left + size.w, bottom: r.top + size.h });
          const { x, y } = this.area.area.transform;
          void this.area.area.translate(x + (now.w - size.w) / 2, y + (now.h - size.h) / 2).then(() => {
            if (!wasInView || this.allInView(container.getBoundingClientRect(), this.minimapRect())) return;
            window.clearTimeout(this.refitTimer);
            this.refitTimer = window.setTimeout(() => void this.zoomToFit(), 60);
          });
        }
      }
      size = now;
    });
    this.resizeObserver.observe(container);
    const connection = this.connection;
    connection.addPipe((ctx) => {
      if (ctx.type === 'connectionpick') {
        this.drawingWire = true;
        this.showReach(ctx.data.socket);
      }
      if (ctx.type === 'connectiondrop') {
        this.drawingWire = false;
        this.showReach(null);
      }
      return ctx;
    });
    const render = new SveltePlugin<Schemes, AreaExtra>();
    const scopes = (this.scopes = new ScopesPlugin<Schemes>({ padding: (id) => this.scopePadding(id) }));
    // Wide and short like the canvas (and like our left-to-right graphs), so it hides little of them.
    const minimap = new MinimapPlugin<Schemes>({ boundViewport: true, ratio: 1.6 });

    render.addPreset(
      SveltePresets.classic.setup({
        customize: {
          node: () => NodeView as any,
          socket: () => SocketView as any,
          connection: () => ConnectionView as any,
        },
      }) as any,
    );
    // Its height: 130 px on a tall canvas, less on a short one (a laptop screen: 86 px of a 1366 × 768 window's
    // 475), where it would crowd the graph.
    const minimapSize = Math.round(Math.min(130, Math.max(64, this.container.clientHeight * 0.18)));
    render.addPreset(SveltePresets.minimap.setup({ size: minimapSize }) as any);

    connection.addPreset(
      () =>
        new ClassicFlow({
          canMakeConnection: (from, to) => {
            // Released on the socket it started from: a click, which picks the wire to be ended by a click on another socket.
            if (from.nodeId === to.nodeId && from.side === to.side && from.key === to.key) return false;
            const pair = getSourceTarget(from, to);
            if (!pair) {
              if (from.side === to.side) this.refuse(`a wire goes from an output to an input, not ${from.side} to ${to.side}`);
              return false;
            }
            const [src, dst] = pair;
            const check = this.checkWire(src.nodeId, src.key, dst.nodeId, dst.key);
            if (!check.ok) {
              this.refuse(check.reason);
              return false;
            }
            return true;
          },
          makeConnection: (from, to, context) => {
            const pair = getSourceTarget(from, to);
            if (!pair) return false;
            const [src, dst] = pair;
            // The plugin has just begun removing the wire an input that takes one had (it is still listed): said.
            this.noteReplaced(src.nodeId, src.key, dst.nodeId, dst.key);
            void context.editor.addConnection(this.makeConnection(src.nodeId, src.key, dst.nodeId, dst.key) as any);
            return true;
          },
        }) as any,
    );

    // The minimap re-measures every node on every node move (forced layouts): it would cost more
    // than the drag itself with 200 nodes. Hidden, it hears nothing; shown, node moves reach it at
    // most every 120 ms plus a trailing one. It is not area.use()d: a scope used that way hands its own
    // pipeline's result back to the area's, so holding a signal back from the minimap would stop it for
    // every later area pipe too (selection, scopes, arrange): a hidden minimap froze the canvas, and
    // throttled moves left the other selected nodes behind.
    let lastMini = 0;
    let trailing = 0;
    // The minimap scope accepts area signals; its generic signature is narrower than that.
    const toMinimap = (ctx: unknown): void => void (minimap.signal.emit as (s: unknown) => Promise<unknown>)(ctx);
    const forwardToMinimap = (ctx: { type: string }): void => {
      if (!this.minimapOn) return;
      if (ctx.type === 'nodetranslated') {
        const now = performance.now();
        if (now - lastMini < 120) {
          clearTimeout(trailing);
          trailing = window.setTimeout(() => {
            lastMini = performance.now();
            if (this.minimapOn) toMinimap(ctx);
          }, 130);
          return;
        }
        lastMini = now;
      }
      toMinimap(ctx);
    };

    this.history.addPreset(HistoryPresets.classic.setup());
    scopes.addPreset(ScopesPresets.classic.setup());
    // The layout leaves each scope's own padding (header and ports) above its body. Without it the
    // body is laid out at ELK's default inset, over the scope's ports, and only a refit moves it: one
    // the scopes plugin skips while the scope is selected (it leaves that to a drag).
    const classic = ArrangePresets.classic.setup();
    this.arrange.addPreset((id) => {
      const preset = classic(id);
      if (!preset || !this.editor.getNode(id)?.isScope) return preset;
      const p = this.scopePadding(id);
      return { ...preset, options: () => ({ 'elk.padding': `[top=${p.top},left=${p.left},bottom=${p.bottom},right=${p.right}]` }) };
    });

    this.editor.use(this.area);
    this.area.use(connection);
    this.area.use(render);
    this.area.use(scopes);
    this.area.use(this.history as any);
    minimap.setParent(this.area as any);
    this.area.addPipe((ctx) => {
      forwardToMinimap(ctx as { type: string });
      // A pan or zoom that Fit did not make: the view is the user's now (see `fitted`).
      if ((ctx.type === 'translated' || ctx.type === 'zoomed') && !this.fitting) this.fitted = false;
      return ctx;
    });
    this.area.use(this.arrange);

    // A press on a node that is already selected keeps the others selected, so a drag moves the whole group; a
    // click there without a drag then selects that node alone. (Rete's default dropped the group at the press.)
    const ctrl = AreaExtensions.accumulateOnCtrl();
    let pressedInGroup: string | null = null;
    let groupDragged = false;
    this.area.addPipe((ctx) => {
      if (ctx.type === 'nodepicked') {
        pressedInGroup = !ctrl.active() && this.selector.isSelected({ id: ctx.data.id, label: 'node' }) ? ctx.data.id : null;
        groupDragged = false;
      }
      if (ctx.type === 'nodetranslated' && ctx.data.id === pressedInGroup) groupDragged = true;
      return ctx;
    });
    AreaExtensions.selectableNodes(this.area, this.selector, { accumulating: { active: () => ctrl.active() || pressedInGroup !== null } });
    this.area.addPipe((ctx) => {
      if (ctx.type === 'pointerup' && pressedInGroup !== null) {
        const id = pressedInGroup;
        pressedInGroup = null;
        if (!groupDragged && this.selector.entities.size > 1) return this.select([id]).then(() => ctx);
      }
      return ctx;
    });
    // A click on a wire picks it (Delete removes it). Wires take no pointer events (one crossing a loop scope's header
    // would take the press meant for dragging the scope), so a click is matched to a wire by its place: a release
    // where it was pressed, not on a node card (a loop scope's card, under its body's wires, does not count), on a
    // wire's stroke. The pick is made after the selector has cleared the selection, as it does for any such click.
    // The press is seen on its way down (a card stops its press from reaching the area, so the area hears none for a
    // press on a loop scope's body, under its wires); the release reaches the area from the window in any case.
    let press: { x: number; y: number } | null = null;
    let onCard = false;
    this.container.addEventListener(
      'pointerdown',
      (e) => {
        press = e.button === 0 ? { x: e.clientX, y: e.clientY } : null;
        onCard = false;
      },
      true,
    );
    this.area.addPipe((ctx) => {
      if (ctx.type === 'nodepicked' && !this.editor.getNode(ctx.data.id)?.isScope) onCard = true;
      if (ctx.type !== 'pointerup') return ctx;
      const card = onCard;
      onCard = false;
      if (!press) return ctx;
      const { x, y } = press;
      press = null;
      const e = ctx.data.event;
      if (card || this.drawingWire || Math.hypot(e.clientX - x, e.clientY - y) > 4) return ctx;
      const wire = this.wireAt(e.clientX, e.clientY);
      return wire ? this.selectWire(wire).then(() => ctx) : ctx;
    });
    AreaExtensions.simpleNodesOrder(this.area);
    AreaExtensions.restrictor(this.area, { scaling: { min: 0.1, max: 2 } });
    // Three layers: loop scopes at the back, wires above them (so the wires inside a loop body show), nodes
    // in front, so no wire covers a node's title or ports and takes its clicks. Within a layer the DOM order
    // (the last picked node last) decides. The DOM order alone does not keep wires behind: the scopes
    // plugin and loading reorder nodes among the wires.
    this.area.addPipe((ctx) => {
      if (ctx.type === 'nodecreated') {
        const el = this.area.nodeViews.get(ctx.data.id)?.element;
        if (el) el.style.zIndex = ctx.data.isScope ? '0' : '2';
      }
      if (ctx.type === 'connectioncreated') {
        const el = this.area.connectionViews.get(ctx.data.id)?.element;
        if (el) el.style.zIndex = '1';
      }
      return ctx;
    });

    // A second check in the pipe: wires added by paste, undo or code go through the same rule.
    this.editor.addPipe((ctx) => {
      if (ctx.type === 'connectioncreate') {
        const c = ctx.data;
        const check = this.checkWire(c.source, c.sourceOutput, c.target, c.targetInput, true);
        if (!check.ok) {
          if (!this.loading) this.cb.onRefused(check.reason);
          return undefined;
        }
      }
      if (ctx.type === 'nodecreated') this.order.push(ctx.data.id);
      if (ctx.type === 'noderemoved') this.order = this.order.filter((i) => i !== ctx.data.id);
      if (ctx.type === 'connectioncreated' || ctx.type === 'noderemoved') this.scheduleLoops();
      if (!this.loading && (ctx.type === 'nodecreated' || ctx.type === 'noderemoved' || ctx.type === 'connectioncreated' || ctx.type === 'connectionremoved')) {
        this.cb.onChange('structure');
        this.scheduleSelection();
      }
      return ctx;
    });
    this.area.addPipe((ctx) => {
      if (ctx.type === 'nodetranslated' && !this.loading) this.cb.onChange('position');
      if (ctx.type === 'nodepicked' || ctx.type === 'pointerup' || ctx.type === 'pointerdown') this.scheduleSelection();
      // The selector moves every selected node along with its "picked" node, and keeps that pick
      // after the drag. A scope the arrange (or a refit) moves later would then drag the selected
      // nodes with it, off their places; so the pick ends with the drag.
      if (ctx.type === 'pointerup') this.selector.release();
      return ctx;
    });
    // Wires from a loop body into its own scope follow the scope when it moves or grows.
    this.area.addPipe((ctx) => {
      if ((ctx.type === 'nodetranslated' || ctx.type === 'noderesized') && this.editor.getNode(ctx.data.id)?.isScope) this.scheduleLoops();
      return ctx;
    });
    // After the scopes plugin's own pipe (press, hold, then drag re-parents): a plain drop onto a
    // loop scope also puts the dropped nodes into its body.
    // (Synchronous for every other signal: this pipe sees every pointer move.)
    this.area.addPipe((ctx) => (ctx.type === 'nodedragged' && !this.loading ? this.afterDrop().then(() => ctx) : ctx));
    let pickedAt = 0;
    this.area.addPipe((ctx) => {
      if (ctx.type === 'nodepicked') pickedAt = Date.now();
      if (ctx.type === 'nodedragged') this.dropFollowerMoves(pickedAt);
      return ctx;
    });

  }

  // ---- scopes ----------------------------------------------------------------------------------

  /** Room around a scope's body; its own ports sit above the body, so the top leaves room for them. */
  private scopePadding(id: string): { top: number; left: number; right: number; bottom: number } {
    const n = this.editor.getNode(id);
    return { top: HEADER + (n ? portRows(n.def) : 1) * ROW + 12, left: 14, right: 14, bottom: 14 };
  }

  private scopeAt(x: number, y: number, except: Set<string>): LabNode | undefined {
    // The innermost (last drawn) scope under the point.
    const holder = Array.from(this.area.area.content.holder.childNodes);
    return this.editor
      .getNodes()
      .filter((s) => s.isScope && !except.has(s.id))
      .filter((s) => {
        const v = this.area.nodeViews.get(s.id);
        return v && x > v.position.x && y > v.position.y && x < v.position.x + s.width && y < v.position.y + s.height;
      })
      .sort((a, b) => holder.indexOf(this.area.nodeViews.get(b.id)!.element) - holder.indexOf(this.area.nodeViews.get(a.id)!.element))[0];
  }

  private loopsFrame = 0;

  private scheduleLoops(): void {
    if (this.loopsFrame) return;
    this.loopsFrame = requestAnimationFrame(() => {
      this.loopsFrame = 0;
      this.routeLoops();
    });
  }

  /** Marks the wires from a loop body into its own scope, with the scope's bottom edge to route around. */
  private routeLoops(): void {
    const lanes = new Map<string, number>();
    for (const c of this.editor.getConnections()) {
      const scope = this.editor.getNode(c.source)?.parent === c.target ? this.editor.getNode(c.target) : undefined;
      const view = scope && this.area.nodeViews.get(scope.id);
      let next: LabConnection['around'];
      if (scope && view) {
        const lane = lanes.get(scope.id) ?? 0;
        lanes.set(scope.id, lane + 1);
        next = { bottom: view.position.y + scope.height, lane };
      }
      if (next?.bottom !== c.around?.bottom || next?.lane !== c.around?.lane) {
        c.around = next;
        void this.area.update('connection', c.id);
      }
    }
  }

  private async afterDrop(): Promise<void> {
    const moved = this.selected();
    const ids = new Set(moved.map((n) => n.id));
    const { x, y } = this.area.area.pointer;
    for (const n of moved) {
      if (n.parent || n.isScope) continue;
      const scope = this.scopeAt(x, y, ids);
      if (!scope) continue;
      n.parent = scope.id;
      await this.scopes.emit({ type: 'scopeupdated', data: { id: scope.id } });
    }
    this.checkParents();
  }

  private parentMap(): ParentMap {
    return new Map(this.editor.getNodes().map((n) => [n.id, n.parent]));
  }

  private static parentsKeyOf(m: ParentMap): string {
    return [...m].map(([id, p]) => `${id}>${p ?? ''}`).sort().join(',');
  }

  /**
   * A node joined or left a loop scope: that changes the compiled plan, and it is an undo step
   * (nodes that are new since the last check are the node creation's own step).
   */
  private checkParents(): void {
    const now = this.parentMap();
    if (LabEditor.parentsKeyOf(now) === LabEditor.parentsKeyOf(this.lastParents)) return;
    const before: ParentMap = new Map();
    const after: ParentMap = new Map();
    for (const [id, p] of now) {
      if (!this.lastParents.has(id) || this.lastParents.get(id) === p) continue;
      before.set(id, this.lastParents.get(id));
      after.set(id, p);
    }
    this.lastParents = now;
    if (before.size && !this.applyingParents) this.history.add(new ValueAction((m: ParentMap) => this.applyParents(m), before, after));
    this.scheduleLoops();
    this.cb.onChange('structure');
  }

  /** Puts nodes into (or out of) loop scopes, refits the scopes involved (undo/redo of a move). */
  private async applyParents(m: ParentMap): Promise<void> {
    const touched = new Set<string>();
    for (const [id, p] of m) {
      const n = this.editor.getNode(id);
      if (!n) continue;
      if (n.parent) touched.add(n.parent);
      n.parent = p;
      if (p) touched.add(p);
    }
    for (const id of touched) if (this.editor.getNode(id)) await this.scopes.emit({ type: 'scopeupdated', data: { id } });
    this.applyingParents = true;
    try {
      this.checkParents();
    } finally {
      this.applyingParents = false;
    }
  }

  // ---- wires ----------------------------------------------------------------------------------

  /** The rules for a wire: canConnect on the port types, no node feeding itself, and (a new one) no cycle. An input that takes one wire has its old wire replaced (ClassicFlow, the keyboard's `replaces`). */
  checkWire(source: string, output: string, target: string, input: string, existingOk = false): { ok: true } | { ok: false; reason: string } {
    const s = this.editor.getNode(source);
    const t = this.editor.getNode(target);
    if (!s || !t) return { ok: false, reason: 'that node no longer exists' };
    const out = s.def.outputs[output];
    const inp = t.def.inputs[input];
    if (!out || !inp) return { ok: false, reason: 'unknown port' };
    if (source === target) return { ok: false, reason: 'a node cannot feed itself' };
    const c = canConnect(out.type, inp.type);
    if (!c.ok) return { ok: false, reason: `${t.docLabel ?? t.def.title}.${input}: ${c.reason}` };
    // A new wire that closes a cycle is refused as it is drawn, as a node feeding itself is (the compiler would flag
    // it). Wires already in the graph (a file being opened, an undo) are not dropped for it: the Problems tab says so.
    if (!existingOk) {
      const back = this.pathBetween(target, source);
      if (back) return { ok: false, reason: `this wire would close a cycle (${[source, ...back].map((id) => this.nameOf(id)).join(' → ')}); iteration belongs in a loop scope or an iteration parameter` };
    }
    return { ok: true };
  }

  /**
   * While a wire is drawn from `from`, every card shows which of its ports the wire could end on (by the same rule as
   * the drop: type, no node feeding itself, no cycle) and dims the rest, so the match does not rest on colour alone.
   * null clears it.
   */
  private showReach(from: { nodeId: string; side: 'input' | 'output'; key: string } | null): void {
    for (const n of this.editor.getNodes()) {
      const before = n.reach;
      if (!from) n.reach = null;
      else if (from.side === 'output')
        n.reach = { side: 'input', ok: new Set(Object.keys(n.def.inputs).filter((i) => this.checkWire(from.nodeId, from.key, n.id, i).ok)) };
      else n.reach = { side: 'output', ok: new Set(Object.keys(n.def.outputs).filter((o) => this.checkWire(n.id, o, from.nodeId, from.key).ok)) };
      if (before || n.reach) void this.area.update('node', n.id);
    }
  }

  /** A node's name as the canvas shows it: its label, else its kind's title. */
  private nameOf(id: string): string {
    const n = this.editor.getNode(id);
    return n ? (n.docLabel ?? n.def.title) : id;
  }

  /**
   * The nodes from `from` to `to` along the compiler's edges (wires, and a loop body node to its scope, which runs
   * after its body), both ends included; null when `to` cannot be reached.
   */
  private pathBetween(from: string, to: string): string[] | null {
    const next = new Map<string, string[]>();
    const edge = (a: string, b: string): void => void (next.get(a) ?? next.set(a, []).get(a)!).push(b);
    for (const w of this.editor.getConnections()) edge(w.source, w.target);
    for (const n of this.editor.getNodes()) if (n.parent) edge(n.id, n.parent);
    const came = new Map<string, string>([[from, from]]);
    const queue = [from];
    while (queue.length) {
      const at = queue.shift()!;
      if (at === to) {
        const path = [at];
        while (path[0] !== from) path.unshift(came.get(path[0])!);
        return path;
      }
      for (const b of next.get(at) ?? []) {
        if (came.has(b)) continue;
        came.set(b, at);
        queue.push(b);
      }
    }
    return null;
  }

  /**
   * Keyboard wiring: every wire node `id` could take part in that the type rule allows and that is not there yet,
   * from its outputs to other nodes' inputs and from other nodes' outputs to its inputs. A wire into an input that
   * takes one replaces the wire there (`replaces`), as a drag does.
   */
  wireChoices(id: string): WireChoice[] {
    const me = this.editor.getNode(id);
    if (!me) return [];
    const wires = this.editor.getConnections();
    const name = (n: LabNode): string => this.fullName(n);
    const out: WireChoice[] = [];
    const add = (a: LabNode, output: string, b: LabNode, input: string): void => {
      const op = a.def.outputs[output];
      const ip = b.def.inputs[input];
      if (!canConnect(op.type, ip.type).ok || this.pathBetween(b.id, a.id)) return;
      if (wires.some((w) => w.source === a.id && w.sourceOutput === output && w.target === b.id && w.targetInput === input)) return;
      const replaces = !ip.multiple && wires.some((w) => w.target === b.id && w.targetInput === input);
      out.push({ from: a.id, output, to: b.id, input, text: `${name(a)}.${output} → ${name(b)}.${input}`, replaces });
    };
    for (const other of this.editor.getNodes()) {
      if (other.id === id) continue;
      for (const o of Object.keys(me.def.outputs)) for (const i of Object.keys(other.def.inputs)) add(me, o, other, i);
      for (const o of Object.keys(other.def.outputs)) for (const i of Object.keys(me.def.inputs)) add(other, o, me, i);
    }
    return out;
  }

  /** A node's name in a wire's text: its label or kind title, and its id when that differs. */
  private fullName(n: LabNode): string {
    const title = n.docLabel ?? n.def.title;
    return title === n.id ? title : `${title} (${n.id})`;
  }

  /** Says (onReplaced) which wire into `target.input` a new wire from `source.output` takes the place of, if any. */
  private noteReplaced(source: string, output: string, target: string, input: string): void {
    const t = this.editor.getNode(target);
    if (!t || t.def.inputs[input]?.multiple) return;
    for (const w of this.editor.getConnections()) {
      if (w.target !== target || w.targetInput !== input || (w.source === source && w.sourceOutput === output)) continue;
      const s = this.editor.getNode(w.source);
      this.cb.onReplaced?.(`${s ? this.fullName(s) : w.source}.${w.sourceOutput} → ${this.fullName(t)}.${input}`);
    }
  }

  /** Makes a wire chosen with the keyboard (replacing the one in an input that takes one): one undo step. */
  async connect(c: WireChoice): Promise<void> {
    this.history.separate();
    if (c.replaces) {
      this.noteReplaced(c.from, c.output, c.to, c.input);
      for (const w of this.editor.getConnections()) if (w.target === c.to && w.targetInput === c.input) await this.editor.removeConnection(w.id);
    }
    await this.editor.addConnection(this.makeConnection(c.from, c.output, c.to, c.input));
    this.history.separate();
  }

  private makeConnection(source: string, output: string, target: string, input: string, id?: string): LabConnection {
    const s = this.editor.getNode(source);
    const t = this.editor.getNode(target);
    if (!s || !t) throw new Error(`internal: wire between missing nodes ${source} -> ${target}`);
    const c = new LabConnection(s, output, t, input, s.def.outputs[output].type);
    if (id) c.id = id;
    return c;
  }

  // ---- document <-> editor ----------------------------------------------------------------------

  /** Why `doc` cannot be shown without losing part of it (what `load` refuses with `UnreadableGraph`), or null when it can. */
  unreadable(doc: GraphDocument): string | null {
    const unknownKinds = doc.nodes.filter((n) => !this.registry.get(n.kind));
    return unknownKinds.length
      ? `${unknownKinds
          .map((n) => {
            // A kind typed by hand: the nearest one there is, when it is near enough to be a typo.
            const near = nearestKind(n.kind, this.registry);
            return `node "${n.id}" is of kind "${n.kind}"${near ? ` (did you mean "${near}"?)` : ''}`;
          })
          .join(', ')}, which this version does not know (made by a newer one, or misspelt?)`
      : null;
  }

  /**
   * Loads a document. A node of a kind this version does not know cannot be drawn, and leaving it out would lose it
   * at the next save: such a document is refused (`UnreadableGraph`) before anything on the canvas changes. Returns
   * what could not be kept as it was, a sentence each: placements in a loop scope that is not one (a missing node,
   * the node itself, another kind, scopes inside each other in a ring), whose nodes are put on the canvas outside
   * any scope; and wires the canvas cannot draw, which are left out: from or to a port the node does not have, between
   * ports whose types do not match (as the compiler says it: "a layer output cannot feed a model input"), or from a
   * node to itself.
   */
  async load(doc: GraphDocument): Promise<{ outsideScopes: string[]; droppedWires: string[]; droppedParams: string[] }> {
    const unreadable = this.unreadable(doc);
    if (unreadable) throw new UnreadableGraph(unreadable);
    const parents = this.drawableParents(doc);
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    const droppedWires: string[] = [];
    const droppedParams: string[] = [];
    const wires = doc.wires.filter((w) => {
      const from = byId.get(w.from.node);
      const to = byId.get(w.to.node);
      const name = `the wire ${w.from.node}.${w.from.port} → ${w.to.node}.${w.to.port}`;
      let why: string | null = null;
      const [src, dst] = [from && this.registry.get(from.kind)!, to && this.registry.get(to.kind)!];
      if (!from || !to || !src || !dst) why = `${name} joins a node that does not exist`;
      else if (!Object.hasOwn(src.outputs, w.from.port)) why = `${name}: "${from.label ?? src.title}" has no output "${w.from.port}"`;
      else if (!Object.hasOwn(dst.inputs, w.to.port)) why = `${name}: "${to.label ?? dst.title}" has no input "${w.to.port}"`;
      else if (w.from.node === w.to.node) why = `${name}: a node cannot feed itself`;
      else {
        // The canvas draws only wires its check allows (a type mismatch would be refused by the pipe, silently while
        // loading): said in the compiler's words ("a layer output cannot feed a model input").
        const c = canConnect(src.outputs[w.from.port].type, dst.inputs[w.to.port].type);
        if (!c.ok) why = `${name}: ${c.reason}`;
      }
      if (why) droppedWires.push(why);
      return why === null;
    });
    this.loading = true;
    try {
      this.base = doc;
      await this.editor.clear();
      this.order = [];
      // Scopes first, so children can be placed inside them; the document order is kept for saving.
      const sorted = [...doc.nodes].sort((a, b) => Number(Boolean(a.parent)) - Number(Boolean(b.parent)));
      for (const n of sorted) {
        const kind = this.registry.get(n.kind)!;
        const node = new LabNode(n.id, kind, this.knownParams(n, kind, droppedParams));
        if (n.label !== undefined) node.docLabel = n.label;
        if (n.version !== undefined) node.version = n.version;
        if (parents.kept.has(n.id)) node.parent = parents.kept.get(n.id);
        await this.editor.addNode(node);
        await this.area.translate(node.id, { x: n.position[0], y: n.position[1] });
      }
      this.order = doc.nodes.map((n) => n.id);
      for (const w of wires) await this.editor.addConnection(this.makeConnection(w.from.node, w.from.port, w.to.node, w.to.port));
      this.history.clear();
      this.lastParents = this.parentMap();
      this.scheduleLoops();
    } finally {
      this.loading = false;
    }
    this.cb.onChange('load');
    this.scheduleSelection();
    return { outsideScopes: parents.dropped, droppedWires, droppedParams };
  }

  /**
   * A node's parameters that its kind has (the compiler refuses one it does not have, which the inspector could not
   * show or remove); each other one said in `dropped` as the compiler says it ("did you mean epsilon?"). A node saved
   * by an older version of its kind keeps them all: the kind's migration reads them.
   */
  private knownParams(n: GraphDocument['nodes'][number], kind: AnyNodeKind, dropped: string[]): JsonObject {
    if ((n.version ?? kind.version) < kind.version) return { ...n.params };
    const kept: JsonObject = {};
    for (const [name, value] of Object.entries(n.params)) {
      if (Object.hasOwn(kind.params, name)) kept[name] = value;
      else {
        const near = nearestName(name, Object.keys(kind.params));
        dropped.push(`${n.id}: "${kind.title}" has no parameter ${name}${near ? ` (did you mean ${near}?)` : ''}`);
      }
    }
    return kept;
  }

  /** The `parent` of each node that names a loop scope it can be drawn inside; the others, said in a sentence each. */
  private drawableParents(doc: GraphDocument): { kept: Map<string, string>; dropped: string[] } {
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    const kept = new Map<string, string>();
    const dropped: string[] = [];
    for (const n of doc.nodes) {
      if (n.parent === undefined) continue;
      const p = byId.get(n.parent);
      let why: string | null = null;
      if (!p) why = `is placed inside "${n.parent}", which does not exist`;
      else if (p.id === n.id) why = 'is placed inside itself';
      else if (!this.registry.get(p.kind)?.scope) why = `is placed inside "${p.id}", which is not a loop scope`;
      else if (scopeRing(n.id, (id) => byId.get(id)?.parent)) why = 'is in a ring of loop scopes placed inside each other';
      if (why) dropped.push(`${n.id} ${why}`);
      else kept.set(n.id, n.parent);
    }
    return { kept, dropped };
  }

  toDocument(): GraphDocument {
    const byId = new Map(this.editor.getNodes().map((n) => [n.id, n]));
    const nodes: GraphNode[] = [];
    for (const id of this.order) {
      const n = byId.get(id);
      if (!n) continue;
      const pos = this.area.nodeViews.get(id)?.position ?? { x: 0, y: 0 };
      nodes.push({
        id,
        kind: n.def.kind,
        ...(n.version !== undefined ? { version: n.version } : {}),
        ...(n.docLabel !== undefined ? { label: n.docLabel } : {}),
        params: n.params,
        position: [pos.x, pos.y],
        ...(n.parent !== undefined ? { parent: n.parent } : {}),
      });
    }
    const wires: Wire[] = this.editor.getConnections().map((c) => ({ from: { node: c.source, port: c.sourceOutput }, to: { node: c.target, port: c.targetInput } }));
    const { nodes: _n, wires: _w, ...rest } = this.base;
    return graphSchema.parse({ ...rest, nodes, wires });
  }

  /** The kind of each node on the canvas (cheaper than toDocument, which also validates). */
  nodeKinds(): string[] {
    return this.editor.getNodes().map((n) => n.def.kind);
  }

  /** The graph's own fields (not its nodes and wires): what the inspector shows when no node is selected. */
  documentFields(): GraphFields {
    const { name, description, seed, quick } = this.base;
    return { name, description, seed, quick };
  }

  /** Names the graph without an undo step (Save As gives an untitled graph its file's name). */
  setName(name: string): void {
    this.base = { ...this.base, name };
  }

  /** Sets some of the graph's own fields (one undo step); a field set to undefined is removed (description, quick). */
  setDocumentFields(fields: Partial<GraphFields>): void {
    const before = this.documentFields();
    const apply = (f: GraphFields | Partial<GraphFields>): void => {
      const next: Record<string, unknown> = { ...this.base, ...f };
      for (const [k, v] of Object.entries(f)) if (v === undefined) delete next[k];
      this.base = next as GraphDocument;
      this.cb.onChange('params');
    };
    apply(fields);
    // Undo puts back every field this edit touched, as it was.
    const touched = Object.fromEntries(Object.keys(fields).map((k) => [k, before[k as keyof GraphFields]])) as Partial<GraphFields>;
    this.history.separate();
    this.history.add(new ValueAction(async (f: Partial<GraphFields>) => apply(f), touched, fields));
    this.history.separate();
  }

  /**
   * Sets one Quick run limit of the graph (undefined: back to the default); its parameter changes (`quick.set`) are
   * kept; nothing left removes `quick`.
   */
  setQuickLimit(key: keyof RunLimits, value: number | undefined): void {
    const quick: QuickRun = { ...this.base.quick, [key]: value };
    if (value === undefined) delete quick[key];
    this.setDocumentFields({ quick: Object.keys(quick).length ? quick : undefined });
  }

  // ---- nodes ----------------------------------------------------------------------------------------

  freshId(kind: string): string {
    const last = (k: string): string => k.split('.').pop() ?? k;
    // The kind's last part (nudge1), or all of it where two kinds share that part (prior_gaussian1, corrupt_gaussian1).
    const shared = this.registry.all().some((k) => k.kind !== kind && last(k.kind) === last(kind));
    const stem = (shared ? kind.replace(/\./g, '_') : last(kind)).replace(/[^\w]/g, '').toLowerCase() || 'node';
    for (let i = 1; ; i++) if (!this.editor.getNode(`${stem}${i}`)) return `${stem}${i}`;
  }

  /**
   * Adds a node at `at`, or at the centre of the view. Placed by the user at the centre (`place` 'clear', the default
   * there), it goes under any card already there and the view follows it; dropped (`place` 'drop'), it stays where it
   * was dropped (`dropSpot`), and the view stays put. A name it records (a Metric's `name`) that another node records
   * already is made free ("metric2"): two nodes cannot record one name.
   */
  async addNode(kind: string, at?: { x: number; y: number }, params?: JsonObject, id?: string, place: 'exact' | 'clear' | 'drop' = at === undefined ? 'clear' : 'exact'): Promise<LabNode | null> {
    const def = this.registry.get(kind);
    if (!def) return null;
    const nodeId = id ?? this.freshId(kind);
    const wires = this.editor.getConnections();
    const others = this.editor.getNodes().map((n) => ({ id: n.id, kind: n.def, params: n.params, wired: new Set(wires.filter((w) => w.target === n.id).map((w) => w.targetInput)) }));
    const node = new LabNode(nodeId, def, freshRecordNames({ id: nodeId, kind: def, params: params ?? {} }, others));
    await this.editor.addNode(node);
    this.lastParents.set(node.id, node.parent);
    const want = at ?? this.viewCenter();
    const pos = place === 'clear' ? this.freeSpot(want, node) : place === 'drop' ? this.dropSpot(want, node) : want;
    await this.area.translate(node.id, pos);
    // A dropped card is on screen already (the view pans only for one larger than the view); one added at the centre
    // may have gone below it.
    if (place === 'clear') await this.reveal(node);
    else if (place === 'drop') await this.reveal(node, DROP_MARGIN - 1);
    await this.select([node.id]);
    return node;
  }

  /**
   * Pans the view, if need be, so that `nodes` are on screen (a card placed under others can land below the view, a
   * paste beside what was copied). A group larger than the view shows its top left.
   */
  private async reveal(nodes: LabNode | LabNode[], margin = 24): Promise<void> {
    nodes = Array.isArray(nodes) ? nodes : [nodes];
    const boxes = nodes.flatMap((n) => {
      const v = this.area.nodeViews.get(n.id);
      return v ? [{ x0: v.position.x, y0: v.position.y, x1: v.position.x + n.width, y1: v.position.y + n.height }] : [];
    });
    if (!boxes.length) return;
    const { x, y, k } = this.area.area.transform;
    const r = this.container.getBoundingClientRect();
    const [left, top] = [Math.min(...boxes.map((b) => b.x0)) * k + x, Math.min(...boxes.map((b) => b.y0)) * k + y];
    const [right, bottom] = [Math.max(...boxes.map((b) => b.x1)) * k + x, Math.max(...boxes.map((b) => b.y1)) * k + y];
    const dx = left < margin ? margin - left : right > r.width - margin ? Math.max(margin - left, r.width - margin - right) : 0;
    const dy = top < margin ? margin - top : bottom > r.height - margin ? Math.max(margin - top, r.height - margin - bottom) : 0;
    if (dx || dy) await this.area.area.translate(x + dx, y + dy);
  }

  /**
   * New nodes placed in loop scopes as they are made (dropped onto a scope, pasted with theirs): that is part of
   * their creation's undo step, not a move of its own. Later moves in or out are steps (`checkParents`).
   */
  private async placeNew(placed: [LabNode, string][]): Promise<void> {
    for (const [node, scope] of placed) {
      node.parent = scope;
      this.lastParents.set(node.id, scope);
    }
    for (const scope of new Set(placed.map(([, s]) => s))) await this.scopes.emit({ type: 'scopeupdated', data: { id: scope } });
    if (placed.length) {
      this.scheduleLoops();
      this.cb.onChange('structure');
    }
  }

  /** Adds a node where a palette item was dropped (client coordinates). */
  async addNodeAtClient(kind: string, clientX: number, clientY: number): Promise<LabNode | null> {
    this.area.area.setPointerFrom({ clientX, clientY } as PointerEvent);
    const p = this.area.area.pointer;
    // The pointer on the card's header, 40 px in.
    const node = await this.addNode(kind, { x: p.x - 40, y: p.y - 16 }, undefined, undefined, 'drop');
    // Dropped onto a loop scope: it joins the scope's body.
    const scope = node && !node.isScope ? this.scopeAt(p.x, p.y, new Set([node.id])) : undefined;
    if (node && scope) await this.placeNew([[node, scope.id]]);
    return node;
  }

  /**
   * `pos`, or below it where a card of `node`'s size covers no other card: a second node dropped on the same
   * place (into a scope, or added at the centre twice) lands under the first, not on it. Scopes do not count.
   */
  private freeSpot(pos: { x: number; y: number }, node: LabNode): { x: number; y: number } {
    const cards = this.cardBoxes(node.id);
    const at: Box = { ...pos, w: node.width, h: node.height };
    for (let tries = 0; tries < 50; tries++) {
      const hit = cards.find((c) => crowds(at, c));
      if (!hit) break;
      at.y = hit.y + hit.h + 16;
    }
    return { x: at.x, y: at.y };
  }

  /**
   * Where a card of `node`'s dropped at `pos` (canvas coordinates) lands: there, moved only as far as it takes to be
   * whole on screen (a drop by the canvas's edge), and nudged at most DROP_NUDGE screen pixels to the nearest place
   * clear of the cards already there, on screen too; with none that near, where it was dropped, over the card.
   * A card larger than the view keeps its top left on screen.
   */
  private dropSpot(pos: { x: number; y: number }, node: LabNode): { x: number; y: number } {
    const { x, y, k } = this.area.area.transform;
    const r = this.container.getBoundingClientRect();
    const m = DROP_MARGIN / k;
    // The view in canvas coordinates, less the margin and the card's size: where its top left can go.
    const [x0, y0] = [(DROP_MARGIN - x) / k, (DROP_MARGIN - y) / k];
    const [x1, y1] = [Math.max(x0, (r.width - x) / k - m - node.width), Math.max(y0, (r.height - y) / k - m - node.height)];
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
    const at = { x: clamp(pos.x, x0, x1), y: clamp(pos.y, y0, y1) };
    // The minimap covers the bottom-right corner: a card dropped (partly) under it could be neither read nor wired
    // there. It goes left of the minimap or above it, whichever is nearer, as it goes inside the canvas's edge.
    const mini = this.minimapRect();
    if (mini) {
      const mx = (mini.left - r.left - x) / k;
      const my = (mini.top - r.top - y) / k;
      if (at.x + node.width > mx - m && at.y + node.height > my - m) {
        const left = Math.max(x0, mx - m - node.width);
        const above = Math.max(y0, my - m - node.height);
        if (at.x - left <= at.y - above) at.x = left;
        else at.y = above;
      }
    }
    const cards = this.cardBoxes(node.id);
    const clear = (p: { x: number; y: number }): boolean => !cards.some((c) => crowds({ ...p, w: node.width, h: node.height }, c));
    if (clear(at)) return at;
    const step = 4 / k;
    const reach = DROP_NUDGE / k;
    let best: { x: number; y: number } | null = null;
    let bestD = Infinity;
    for (let dx = -reach; dx <= reach; dx += step) {
      for (let dy = -reach; dy <= reach; dy += step) {
        const d = Math.hypot(dx, dy);
        if (d > reach || d >= bestD) continue;
        const p = { x: at.x + dx, y: at.y + dy };
        if (p.x < x0 || p.y < y0 || p.x > x1 || p.y > y1 || !clear(p)) continue;
        best = p;
        bestD = d;
      }
    }
    return best ?? at;
  }

  /** Where the cards are on the canvas (scopes aside, and `except`). */
  private cardBoxes(except?: string): Box[] {
    return this.editor.getNodes().flatMap((n) => {
      const v = n.isScope || n.id === except ? undefined : this.area.nodeViews.get(n.id);
      return v ? [{ x: v.position.x, y: v.position.y, w: n.width, h: n.height }] : [];
    });
  }

  viewCenter(): { x: number; y: number } {
    const { x, y, k } = this.area.area.transform;
    const r = this.container.getBoundingClientRect();
    return { x: (r.width / 2 - x) / k - 100, y: (r.height / 2 - y) / k - 40 };
  }

  getNode(id: string): LabNode | undefined {
    return this.editor.getNode(id);
  }

  async setParam(id: string, name: string, value: JsonValue | undefined): Promise<void> {
    const node = this.editor.getNode(id);
    if (!node) return;
    const before = name in node.params ? node.params[name] : undefined;
    const apply = async (v: JsonValue | undefined): Promise<void> => {
      const n = this.editor.getNode(id);
      if (!n) return;
      const next = { ...n.params };
      if (v === undefined) delete next[name];
      else next[name] = v;
      n.params = next;
      await this.area.update('node', id);
      this.cb.onChange('params');
      this.scheduleSelection(true);
    };
    await apply(value);
    // Each committed edit is its own undo step (the plugin otherwise merges actions close in time).
    this.history.separate();
    this.history.add(new ValueAction(apply, before, value));
    this.history.separate();
  }

  /**
   * Renames node `from` to `to` (its id: what its metrics, pictures and `--set` keys are named after): its wires, the
   * nodes inside it (a loop scope) and the graph's Quick run changes (quick.set) follow. One undo step. Returns why
   * it cannot be (not an id, or another node's), or null.
   */
  async renameNode(from: string, to: string): Promise<string | null> {
    const id = to.trim();
    if (id === from || !this.editor.getNode(from)) return null;
    const problem = nodeIdProblem(id);
    if (problem) return problem;
    if (this.editor.getNode(id)) return `another node is called ${id}`;
    await this.ownStep((pair: [string, string]) => this.swapId(pair[0], pair[1]), [id, from], [from, id]);
    return null;
  }

  /** The node `from` as node `to`: the same kind, params, label, place and scope, with its wires and its body. */
  private async swapId(from: string, to: string): Promise<void> {
    const old = this.editor.getNode(from);
    if (!old || this.editor.getNode(to)) return;
    const at = { ...this.area.nodeViews.get(from)!.position };
    const wires = this.editor.getConnections().filter((c) => c.source === from || c.target === from);
    const body = this.editor.getNodes().filter((n) => n.parent === from).map((n) => ({ n, at: { ...this.area.nodeViews.get(n.id)!.position } }));
    const selected = this.selected().some((n) => n.id === from);
    for (const c of wires) await this.editor.removeConnection(c.id);
    // The body leaves the scope while it is replaced (a scope is not removed with nodes inside it) and comes back.
    for (const { n } of body) n.parent = undefined;
    await this.editor.removeNode(from);
    const node = new LabNode(to, old.def, old.params);
    node.docLabel = old.docLabel;
    node.version = old.version;
    node.parent = old.parent;
    await this.editor.addNode(node);
    await this.area.translate(to, at);
    for (const { n } of body) n.parent = to;
    for (const id of [...(body.length ? [to] : []), ...(old.parent ? [old.parent] : [])]) await this.scopes.emit({ type: 'scopeupdated', data: { id } });
    for (const { n, at: p } of body) await this.area.translate(n.id, p);
    for (const c of wires) await this.editor.addConnection(this.makeConnection(c.source === from ? to : c.source, c.sourceOutput, c.target === from ? to : c.target, c.targetInput, c.id));
    this.order = this.order.map((id) => (id === from ? to : id));
    const set = this.base.quick?.set;
    const renamed = (k: string): string => {
      const where = splitQuickKey(k);
      return where?.node === from ? `${to}.${where.param}` : k;
    };
    if (set && Object.keys(set).some((k) => renamed(k) !== k)) this.base = { ...this.base, quick: { ...this.base.quick, set: Object.fromEntries(Object.entries(set).map(([k, v]) => [renamed(k), v])) } };
    this.lastParents = this.parentMap();
    this.scheduleLoops();
    if (selected) await this.select([to]);
    this.cb.onChange('structure');
  }

  /** Sets a node's label; one of only spaces (or none) clears it, so the card shows the kind's title. */
  async setLabel(id: string, text: string | undefined): Promise<void> {
    const node = this.editor.getNode(id);
    if (!node) return;
    const label = text?.trim() || undefined;
    if (label === node.docLabel) return;
    const before = node.docLabel;
    const apply = async (v: string | undefined): Promise<void> => {
      const n = this.editor.getNode(id);
      if (!n) return;
      n.docLabel = v || undefined;
      await this.area.update('node', id);
      this.cb.onChange('params');
    };
    await apply(label);
    this.history.add(new ValueAction(apply, before, label));
  }

  setDiagnostics(diags: readonly Diagnostic[]): void {
    const by = new Map<string, Diagnostic[]>();
    for (const d of diags) if (d.node) by.set(d.node, [...(by.get(d.node) ?? []), d]);
    for (const n of this.editor.getNodes()) {
      const next = by.get(n.id) ?? [];
      const key = (ds: Diagnostic[]): string => ds.map((d) => `${d.severity}|${d.port}|${d.message}`).join('\n');
      if (key(next) !== key(n.problems)) {
        n.problems = next;
        void this.area.update('node', n.id);
      }
    }
  }

  // ---- selection, clipboard, delete -----------------------------------------------------------------

  selected(): LabNode[] {
    return this.editor.getNodes().filter((n) => n.selected);
  }

  /** The picked wire, if any (a click on a wire picks it alone; a click elsewhere lets go of it). */
  selectedWire(): LabConnection | undefined {
    return this.editor.getConnections().find((c) => c.selected);
  }

  /** The wire whose stroke (a band 12 screen pixels wide, whatever the zoom) is under the client point, the topmost one; undefined when none. */
  private wireAt(clientX: number, clientY: number): string | undefined {
    const paths = [...this.container.querySelectorAll<SVGPathElement>('[data-conn-id] path.hit')].reverse();
    const width = `${12 / this.area.area.transform.k}px`;
    for (const path of paths) {
      path.style.strokeWidth = width;
      const m = path.getScreenCTM();
      if (!m) continue;
      const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
      if (path.isPointInStroke(p)) return path.closest('[data-conn-id]')!.getAttribute('data-conn-id')!;
    }
    return undefined;
  }

  /** Picks the wire `id` alone (no node stays selected). */
  async selectWire(id: string): Promise<void> {
    const c = this.editor.getConnection(id);
    if (!c) return;
    await this.selector.add(
      {
        id,
        label: 'connection',
        translate: async () => {},
        unselect: async () => {
          c.selected = false;
          if (this.editor.getConnection(id)) await this.area.update('connection', id);
        },
      },
      false,
    );
    c.selected = true;
    await this.area.update('connection', id);
    this.scheduleSelection();
  }

  private scheduleSelection(force = false): void {
    clearTimeout(this.selectionTimer);
    this.selectionTimer = window.setTimeout(() => {
      const ids = this.selected().map((n) => n.id);
      const key = ids.join(',');
      if (force || key !== this.lastSelection) {
        this.lastSelection = key;
        this.cb.onSelection(ids);
      }
    }, 0);
  }

  async select(ids: string[]): Promise<void> {
    await this.selector.unselectAll();
    for (const [i, id] of ids.entries()) {
      const node = this.editor.getNode(id);
      if (!node) continue;
      await this.selector.add(
        {
          id,
          label: 'node',
          translate: async (dx, dy) => {
            const v = this.area.nodeViews.get(id);
            if (v) await this.area.translate(id, { x: v.position.x + dx, y: v.position.y + dy });
          },
          unselect: async () => {
            node.selected = false;
            await this.area.update('node', id);
          },
        },
        i > 0,
      );
      node.selected = true;
      await this.area.update('node', id);
    }
    this.scheduleSelection();
  }

  async selectAll(): Promise<void> {
    await this.select(this.editor.getNodes().map((n) => n.id));
  }

  async focusNode(id: string): Promise<void> {
    const node = this.editor.getNode(id);
    if (!node) return;
    await this.select([id]);
    await AreaExtensions.zoomAt(this.area, [node], { scale: 0.9 });
  }

  /**
   * Keyboard: selects the next node (`step` 1) or the previous one (-1) in reading order (top to bottom, then left
   * to right, by card position), from the selected one; with none selected, the first or the last. Pans it into view.
   */
  async selectStep(step: 1 | -1): Promise<void> {
    const at = (n: LabNode): { x: number; y: number } => this.area.nodeViews.get(n.id)?.position ?? { x: 0, y: 0 };
    const nodes = this.editor.getNodes().sort((a, b) => at(a).y - at(b).y || at(a).x - at(b).x);
    if (!nodes.length) return;
    const cur = nodes.findIndex((n) => n.selected);
    const next = nodes[cur < 0 ? (step > 0 ? 0 : nodes.length - 1) : (cur + step + nodes.length) % nodes.length];
    await this.select([next.id]);
    // Zoomed out too far to read a card (a fitted large graph), the step zooms in on the node; else it pans to it.
    if (this.area.area.transform.k < READABLE_ZOOM) await this.centreOn(next, STEP_ZOOM);
    else await this.reveal(next);
  }

  /** Zooms to `k` with `node`'s card at the centre of the view. */
  private async centreOn(node: LabNode, k: number): Promise<void> {
    const v = this.area.nodeViews.get(node.id);
    if (!v) return;
    const r = this.container.getBoundingClientRect();
    await this.area.area.zoom(k);
    await this.area.area.translate(r.width / 2 - (v.position.x + node.width / 2) * k, r.height / 2 - (v.position.y + node.height / 2) * k);
  }

  /** Keyboard: moves the selected nodes (a scope with its body) by (dx, dy); one undo step per press. */
  async moveSelected(dx: number, dy: number): Promise<void> {
    const ids = [...this.withBodies(this.selected().map((n) => n.id))];
    if (!ids.length) return;
    const place = async (sign: 1 | -1): Promise<void> => {
      // Scopes first: the scopes plugin moves a scope's body along with it, so the body itself is then left alone.
      const moved = new Set<string>();
      for (const id of ids.sort((a, b) => this.ancestors(a).length - this.ancestors(b).length)) {
        if (this.ancestors(id).some((p) => moved.has(p))) continue;
        const v = this.area.nodeViews.get(id);
        if (v) await this.area.translate(id, { x: v.position.x + sign * dx, y: v.position.y + sign * dy });
        moved.add(id);
      }
    };
    await this.ownStep(place, -1, 1);
    const first = this.editor.getNode(ids[0]);
    if (first) await this.reveal(first);
  }

  /** The nodes `ids` and the bodies of the scopes among them, nested scopes' too: a scope goes (or is copied) with its body. */
  private withBodies(ids: string[]): Set<string> {
    const out = new Set(ids);
    for (const n of this.editor.getNodes()) if (this.ancestors(n.id).some((a) => out.has(a))) out.add(n.id);
    return out;
  }

  /** The scopes around node `id`, innermost first. */
  private ancestors(id: string): string[] {
    const out: string[] = [];
    for (let p = this.editor.getNode(id)?.parent; p; p = this.editor.getNode(p)?.parent) out.push(p);
    return out;
  }

  /**
   * Deletes the selected nodes, a scope's body with it, and their wires: one undo step of our own. (The history
   * plugin's own steps put the nodes back one by one, and the scopes plugin refitted the scope around each body node
   * as it came back, which moved the ones already back: a scope with two body nodes returned shifted.)
   */
  async deleteSelected(verb: 'Deleted' | 'Cut' = 'Deleted'): Promise<void> {
    const chosen = this.selected().map((n) => n.id);
    const ids = this.withBodies(chosen);
    const wire = this.selectedWire();
    if (!ids.size && wire) {
      // One undo step (the history plugin records a removed wire).
      this.history.separate();
      await this.selector.unselectAll();
      await this.editor.removeConnection(wire.id);
      this.history.separate();
      return;
    }
    if (!ids.size) return;
    const wires = this.editor.getConnections().filter((c) => ids.has(c.source) || ids.has(c.target));
    // Children before their scope (innermost first).
    const nodes = [...ids]
      .sort((a, b) => this.ancestors(b).length - this.ancestors(a).length)
      .map((id) => ({ node: this.editor.getNode(id)!, at: { ...this.area.nodeViews.get(id)!.position } }));
    const remove = async (): Promise<void> => {
      for (const c of wires) if (this.editor.getConnection(c.id)) await this.editor.removeConnection(c.id);
      for (const { node } of nodes) if (this.editor.getNode(node.id)) await this.editor.removeNode(node.id);
    };
    const restore = async (): Promise<void> => {
      for (const { node, at } of [...nodes].reverse()) {
        await this.editor.addNode(node);
        await this.area.translate(node.id, at);
      }
      // Each node where it was, now that its scope's whole body is back (undo then refits the scopes around them).
      for (const { node, at } of nodes) await this.area.translate(node.id, at);
      for (const c of wires) await this.editor.addConnection(c);
    };
    // The body nodes went with their scopes without being selected: said, so that it is no surprise.
    // (Named top to bottom, as they stood.)
    const body = nodes
      .filter(({ node }) => !chosen.includes(node.id))
      .sort((a, b) => a.at.y - b.at.y || a.at.x - b.at.x)
      .map(({ node }) => node);
    const scopes = chosen.filter((id) => body.some((b) => this.ancestors(b.id).includes(id))).map((id) => this.editor.getNode(id)!);
    await this.ownStep((present: boolean) => (present ? restore() : remove()), true, false);
    this.checkParents();
    if (body.length) {
      const list = (ns: LabNode[]): string => ns.map((n) => this.fullName(n)).join(', ');
      this.cb.onBodiesDeleted?.(
        `${verb} ${list(scopes)} with the ${body.length === 1 ? 'node' : `${body.length} nodes`} inside ${scopes.length === 1 ? 'it' : 'them'}: ${list(body)}. Undo brings ${body.length === 1 ? 'it' : 'them'} back.`,
      );
    }
  }

  /**
   * An edit that is one undo step of our own: `apply(after)` now, `apply(before)` on undo, `apply(after)` on redo,
   * none of its parts recorded by the history plugin as steps of their own.
   */
  private async ownStep<T>(apply: (value: T) => Promise<void>, before: T, after: T): Promise<void> {
    this.history.separate();
    await this.unrecorded(() => apply(after));
    this.history.add(new ValueAction((v: T) => this.unrecorded(() => apply(v)), before, after));
    this.history.separate();
  }

  /** Runs `f` without the history plugin recording its steps (they are one step of our own, or follow from others). */
  private async unrecorded(f: () => Promise<void>): Promise<void> {
    const inner = this.historyRecords();
    const was = inner.active;
    inner.active = true;
    try {
      await f();
    } finally {
      inner.active = was;
    }
  }

  /** The selected nodes (a scope with its body) and the wires among them, or null when nothing is selected. */
  private selectionClip(): Clip | null {
    const doc = this.toDocument();
    const ids = this.withBodies(this.selected().map((n) => n.id));
    if (!ids.size) return null;
    return {
      nodes: doc.nodes.filter((n) => ids.has(n.id)),
      wires: doc.wires.filter((w) => ids.has(w.from.node) && ids.has(w.to.node)),
    };
  }

  copy(): Clip | null {
    const clip = this.selectionClip();
    if (clip) this.clip = clip;
    return clip;
  }

  /** Copies of the selected nodes beside them, as a paste would place them; the clipboard is left as it was. */
  async duplicate(): Promise<void> {
    await this.paste(this.selectionClip());
  }

  async cut(): Promise<void> {
    if (this.copy()) await this.deleteSelected('Cut');
  }

  async paste(clip: Clip | null = this.clip): Promise<void> {
    if (!clip?.nodes.length) return;
    // One paste is one undo step, however quickly the next one follows.
    this.history.separate();
    const rename = new Map<string, string>();
    const added: string[] = [];
    const [dx, dy] = this.pasteOffset(clip);
    for (const n of clip.nodes) {
      const node = await this.addNode(n.kind, { x: n.position[0] + dx, y: n.position[1] + dy }, { ...n.params });
      if (!node) continue;
      rename.set(n.id, node.id);
      if (n.label) node.docLabel = n.label;
      added.push(node.id);
    }
    // A pasted body node goes into its pasted scope, or, pasted without it, into the scope it was copied from (if
    // that is still there): a copy lands beside its original. Each scope is fitted around its body.
    const placed: [LabNode, string][] = [];
    for (const n of clip.nodes) {
      const id = rename.get(n.id);
      const parent = n.parent ? (rename.get(n.parent) ?? (this.editor.getNode(n.parent)?.isScope ? n.parent : undefined)) : undefined;
      const child = id ? this.editor.getNode(id) : undefined;
      if (child && parent) placed.push([child, parent]);
    }
    await this.placeNew(placed);
    for (const w of clip.wires) {
      const a = rename.get(w.from.node);
      const b = rename.get(w.to.node);
      if (a && b) await this.editor.addConnection(this.makeConnection(a, w.from.port, b, w.to.port));
    }
    // The next paste goes on from this one (its nodes' places, under their new ids' sizes).
    if (clip === this.clip) this.clip = { nodes: clip.nodes.map((n) => ({ ...n, id: rename.get(n.id) ?? n.id, parent: n.parent && (rename.get(n.parent) ?? n.parent), position: [n.position[0] + dx, n.position[1] + dy] })), wires: clip.wires.map((w) => ({ from: { ...w.from, node: rename.get(w.from.node) ?? w.from.node }, to: { ...w.to, node: rename.get(w.to.node) ?? w.to.node } })) };
    await this.select(added);
    await this.reveal(added.flatMap((id) => this.editor.getNode(id) ?? []));
    this.history.separate();
  }

  /**
   * Where a paste goes: 40 px right of and below the copied nodes, or further down until no pasted card covers a card
   * already there (scopes aside, as the body a card is pasted into). A pasted scope no longer lands on its original.
   */
  private pasteOffset(clip: Clip): [number, number] {
    const cards = this.cardBoxes();
    // A copied node still on the canvas has its size; one that is gone, a card's usual size.
    const pasted: Box[] = clip.nodes.map((n) => {
      const o = this.editor.getNode(n.id);
      return { x: n.position[0], y: n.position[1], w: o?.width ?? 200, h: o?.height ?? 90 };
    });
    const clear = (dx: number, dy: number): boolean => pasted.every((p) => !cards.some((c) => crowds({ ...p, x: p.x + dx, y: p.y + dy }, c)));
    for (let k = 1; k <= 40; k++) if (clear(40, 40 * k)) return [40, 40 * k];
    return [40, 40];
  }

  /**
   * A wire the user tried to make is refused: say why, and let go of the wire being drawn. The connection
   * plugin would otherwise keep it on the pointer, and the next drag, from anywhere, would end that wire
   * instead of starting its own (and be refused for the first wire's reason).
   */
  private refuse(reason: string): void {
    this.cb.onRefused(reason);
    // After the plugin's pick has run to its end: dropping during it would leave the drawn wire mounted.
    window.setTimeout(() => this.cancelWire(), 0);
  }

  /** Lets go of a wire being drawn, if any (Escape). Returns whether there was one. */
  cancelWire(): boolean {
    if (!this.drawingWire) return false;
    this.connection.drop();
    this.drawingWire = false;
    return true;
  }

  // ---- history, view -----------------------------------------------------------------------------------

  async undo(): Promise<void> {
    await this.history.undo();
    await this.refitScopes();
    this.cb.onChange('structure');
    this.scheduleSelection(true);
  }

  async redo(): Promise<void> {
    await this.history.redo();
    await this.refitScopes();
    this.cb.onChange('structure');
    this.scheduleSelection(true);
  }

  /** The history plugin's own record (its classic preset's steps, and the flag it raises while it undoes or redoes). */
  private historyRecords(): { produced: HistoryRecord[]; active: boolean } {
    return (this.history as unknown as { history: { produced: HistoryRecord[]; active: boolean } }).history;
  }

  /**
   * After a drag: the history plugin recorded a move for every node that moved, also for the body of a dragged scope
   * (which the scopes plugin moves along), and recorded those first. Undo was right, but redo then put the body at
   * its new place and the scope's redo moved it along once more. Undo and redo of a scope's move take along the
   * body nodes that are not selected (the selected ones move by themselves), so their moves of this drag are
   * dropped from the history.
   */
  private dropFollowerMoves(since: number): void {
    const produced = this.historyRecords().produced;
    const isMove = (m: HistoryRecord): boolean => typeof m.action.nodeId === 'string' && 'prev' in m.action && 'new' in m.action;
    // This drag's moves: the trailing node moves made since the press, up to a separated step.
    let start = produced.length;
    while (start > 0 && isMove(produced[start - 1]) && produced[start - 1].time >= since && (start === produced.length || !produced[start - 1].separated)) start--;
    const moved = new Set(produced.slice(start).map((m) => m.action.nodeId!));
    const follower = (id: string): boolean => !this.editor.getNode(id)?.selected && this.ancestors(id).some((p) => moved.has(p));
    for (let i = produced.length - 1; i >= start; i--) if (follower(produced[i].action.nodeId!)) produced.splice(i, 1);
  }

  /**
   * Fits every scope that has a body around it, innermost first. A scope brought back by undo (of a delete, say)
   * comes back at its kind's size, under its own body, until something refits it.
   */
  private async refitScopes(): Promise<void> {
    const nodes = this.editor.getNodes();
    const depth = (id: string): number => this.ancestors(id).length;
    const withBody = nodes.filter((s) => s.isScope && nodes.some((n) => n.parent === s.id)).sort((a, b) => depth(b.id) - depth(a.id));
    // Not recorded: a refit follows from the body, and a new step here would drop the redo steps. (The history
    // plugin records nothing while its `active` flag is up, as during its own undo and redo.)
    await this.unrecorded(async () => {
      for (const s of withBody) await this.scopes.emit({ type: 'scopeupdated', data: { id: s.id } });
    });
  }

  /**
   * Fits every node in view. When the minimap (bottom-right corner) would then hide a node, the nodes are
   * fitted into the part of the canvas left of it or into the part above it, whichever shows them larger (a wide
   * graph on a laptop's short canvas keeps its width above the minimap instead of shrinking to its left).
   */
  async zoomToFit(): Promise<void> {
    this.fitting++;
    try {
      await this.fitNodes();
    } finally {
      this.fitting--;
    }
    this.fitted = this.editor.getNodes().length > 0;
  }

  private async fitNodes(): Promise<void> {
    const nodes = this.editor.getNodes();
    if (!nodes.length) return;
    await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.92 });
    const box = this.container.getBoundingClientRect();
    const mini = this.minimapRect();
    if (!mini || box.width === 0) return;
    if (!nodes.some((n) => overlaps(this.nodeRect(n.id), mini))) return;
    // The part of the canvas left of the minimap and the part above it, with a margin: the one that shows the nodes larger.
    const bb = AreaExtensions.getBoundingBox(this.area, nodes);
    const fit = (w: number, h: number): { w: number; h: number; k: number } => ({ w, h, k: Math.min((0.92 * w) / bb.width, (0.92 * h) / bb.height, 1) });
    const left = fit(Math.max(box.width / 2, mini.left - box.left - 8), box.height);
    const above = fit(box.width, Math.max(box.height / 2, mini.top - box.top - 8));
    const part = left.k >= above.k ? left : above;
    await this.area.area.zoom(part.k, 0, 0);
    const k = this.area.area.transform.k;
    await this.area.area.translate(part.w / 2 - bb.center.x * k, part.h / 2 - bb.center.y * k);
  }

  /** The minimap's box on screen, when it shows. */
  private minimapRect(): DOMRect | undefined {
    const r = this.minimapOn ? this.container.querySelector('.minimap')?.getBoundingClientRect() : undefined;
    return r && r.width > 0 ? r : undefined;
  }

  private nodeRect(id: string): DOMRect | undefined {
    return this.area.nodeViews.get(id)?.element.getBoundingClientRect();
  }

  /** Whether every card lies inside `box` (screen coordinates) and, given the minimap's box, clear of it. */
  private allInView(box: Rect, mini?: Rect): boolean {
    return this.editor.getNodes().every((n) => {
      const r = this.nodeRect(n.id);
      return !r || (r.left >= box.left - 1 && r.top >= box.top - 1 && r.right <= box.right + 1 && r.bottom <= box.bottom + 1 && !(mini && overlaps(r, mini)));
    });
  }

  /**
   * Lays the graph out left to right (ELK layered). ELK, laying out loop scopes with their bodies (hierarchy handling
   * INCLUDE_CHILDREN), does not pack parts of the graph that no wire joins: sixty loose nodes came out as one column.
   * So each part is laid out on its own and the parts are placed in rows, the largest first.
   */
  async autoArrange(): Promise<void> {
    // One undo step, however many layouts and moves it takes.
    const before = this.positions();
    this.history.separate();
    await this.unrecorded(() => this.layOut());
    this.history.add(new ValueAction((v: Map<string, { x: number; y: number }>) => this.unrecorded(() => this.place(v)), before, this.positions()));
    this.history.separate();
    await this.zoomToFit();
    this.cb.onChange('position');
  }

  /** Where every node is. */
  private positions(): Map<string, { x: number; y: number }> {
    return new Map(this.editor.getNodes().map((n) => [n.id, { ...this.area.nodeViews.get(n.id)!.position }]));
  }

  /** Puts the nodes back at `at`: scopes before their bodies (a scope moving takes its body along). */
  private async place(at: Map<string, { x: number; y: number }>): Promise<void> {
    const ids = [...at.keys()].filter((id) => this.editor.getNode(id)).sort((a, b) => this.ancestors(a).length - this.ancestors(b).length);
    for (const id of ids) await this.area.translate(id, at.get(id)!);
  }

  private async layOut(): Promise<void> {
    const options = { 'elk.spacing.nodeNode': '40', 'elk.layered.spacing.nodeNodeBetweenLayers': '70' };
    const parts = this.connectedParts();
    if (parts.length <= 1) await this.arrange.layout({ options } as any);
    else {
      const boxes: { top: LabNode[]; x: number; y: number; w: number; h: number }[] = [];
      for (const part of parts) {
        const ids = new Set(part.map((n) => n.id));
        const connections = this.editor.getConnections().filter((c) => ids.has(c.source) && ids.has(c.target));
        await this.arrange.layout({ nodes: part, connections, options } as any);
        const top = part.filter((n) => !n.parent || !ids.has(n.parent));
        const at = top.map((n) => ({ n, p: this.area.nodeViews.get(n.id)!.position }));
        const x = Math.min(...at.map((a) => a.p.x));
        const y = Math.min(...at.map((a) => a.p.y));
        boxes.push({ top, x, y, w: Math.max(...at.map((a) => a.p.x + a.n.width)) - x, h: Math.max(...at.map((a) => a.p.y + a.n.height)) - y });
      }
      // Rows about as wide as the whole would be at the canvas's shape, never narrower than the widest part.
      const gap = 60;
      const view = this.container.getBoundingClientRect();
      const area = boxes.reduce((a, b) => a + (b.w + gap) * (b.h + gap), 0);
      const rowWidth = Math.max(...boxes.map((b) => b.w), Math.sqrt(area * (view.width / Math.max(1, view.height))));
      let [x, y, rowHeight] = [0, 0, 0];
      for (const b of boxes.sort((p, q) => q.w * q.h - p.w * p.h)) {
        if (x > 0 && x + b.w > rowWidth) [x, y, rowHeight] = [0, y + rowHeight + gap, 0];
        // A scope takes its body along when it moves.
        for (const n of b.top) {
          const p = this.area.nodeViews.get(n.id)!.position;
          await this.area.translate(n.id, { x: p.x - b.x + x, y: p.y - b.y + y });
        }
        x += b.w + gap;
        rowHeight = Math.max(rowHeight, b.h);
      }
    }
  }

  /** The parts of the graph no wire joins, each with its loop scopes' bodies (a node and its scope are one part). */
  private connectedParts(): LabNode[][] {
    const nodes = this.editor.getNodes();
    const root = new Map<string, string>(nodes.map((n) => [n.id, n.id]));
    const find = (id: string): string => {
      let r = id;
      while (root.get(r) !== r) r = root.get(r)!;
      root.set(id, r);
      return r;
    };
    const join = (a: string, b: string): void => {
      if (root.has(a) && root.has(b)) root.set(find(a), find(b));
    };
    for (const c of this.editor.getConnections()) join(c.source, c.target);
    for (const n of nodes) if (n.parent) join(n.id, n.parent);
    const parts = new Map<string, LabNode[]>();
    for (const n of nodes) {
      const r = find(n.id);
      parts.set(r, [...(parts.get(r) ?? []), n]);
    }
    return [...parts.values()];
  }

  /** Shows or hides the minimap; a hidden one receives no signals, so it costs nothing. */
  setMinimap(on: boolean): void {
    if (on === this.minimapOn) return;
    this.minimapOn = on;
    if (on) {
      // Any area translation makes the minimap re-read every node.
      const { x, y } = this.area.area.transform;
      void this.area.area.translate(x, y);
    }
  }

  destroy(): void {
    window.clearTimeout(this.refitTimer);
    this.resizeObserver.disconnect();
    this.area.destroy();
  }
}

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Whether two boxes overlap (touching edges do not). */
function overlaps(a: Rect | undefined, b: Rect): boolean {
  return a !== undefined && a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom;
}
