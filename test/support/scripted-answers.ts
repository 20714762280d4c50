// A stand-in for a call that fails for a while and then answers, for unit tests of what retries it.

/** A call whose answers are given in order (the last one again and again): an Error is thrown, anything else returned. */
export function answering<T>(...answers: (T | Error)[]): { call: () => Promise<T>; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    call: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)] as T | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}
