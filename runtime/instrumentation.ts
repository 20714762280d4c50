// Typed instrumentation events, as kafkajs' `consumer.events`: a component emits what happened (a
// batch applied, partitions claimed, caught up, stopped) and whoever cares listens: status boards,
// metrics, the event stream for tools that run flowwatch as a process. Logs stay for people.

export interface InstrumentationEvent<Type extends string = string, Payload = unknown> {
  readonly type: Type;
  /** Milliseconds since the epoch, when it was emitted. */
  readonly timestamp: number;
  readonly payload: Payload;
}

type Listener<E> = (event: E) => void;

/** Events of one component; `Events` maps each event type to its payload. */
export class Instrumentation<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<string, Set<Listener<never>>>();
  private readonly anyListeners = new Set<Listener<InstrumentationEvent<string, unknown>>>();

  /** Listens to one type of event; returns a function that stops listening. */
  on<Type extends keyof Events & string>(
    type: Type,
    listener: Listener<InstrumentationEvent<Type, Events[Type]>>,
  ): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Listens to every event (the event stream does). */
  onAny(listener: Listener<InstrumentationEvent<string, unknown>>): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<Type extends keyof Events & string>(type: Type, payload: Events[Type]): void {
    const set = this.listeners.get(type);
    if ((set === undefined || set.size === 0) && this.anyListeners.size === 0) return;
    const event: InstrumentationEvent<Type, Events[Type]> = { type, timestamp: Date.now(), payload };
    for (const listener of set ?? []) (listener as Listener<typeof event>)(event);
    for (const listener of this.anyListeners) listener(event);
  }
}
