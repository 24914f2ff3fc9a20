package io.lakeward.policy.client;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy's answers for one data revision, by input, so that the same question asked again is
 * answered without evaluating the Wasm module a second time.
 *
 * <p><b>Why this is exact.</b> An answer depends on the module, the data and the input only (the
 * Wasm target has no time, network or random builtins). The module never changes in a client, a
 * cache belongs to one data revision and is dropped with it, and the key is the input itself as a
 * value ({@link AuthorizationInput} and {@link DataAccessInput} are records of records and
 * immutable lists). The one part left out of the key is the input's {@code context} (time, client
 * address, request id): the policies do not read it, and a test in this module fails the build
 * the day a policy does. Only the policy's own answers are kept; an {@code UNAVAILABLE} decision
 * is never cached, so a failure is retried on the next request.
 *
 * <p><b>Bounded.</b> At most {@code capacity} entries, kept as two generations: new answers go to
 * the young one; when it is full it becomes the old one and the previous old one is dropped; a
 * hit in the old one moves to the young one. Lookups and inserts take no lock.
 */
final class DecisionCache {
    private final int generationCapacity;
    private volatile ConcurrentHashMap<Object, Object> young = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<Object, Object> old = new ConcurrentHashMap<>();

    /** @param capacity the most answers kept; 0 keeps none */
    DecisionCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.generationCapacity = capacity / 2;
    }

    /** The key of an authorization question: the input without its context. */
    static Object key(AuthorizationInput input) {
        return new Key(PolicyClient.AUTHORIZATION_ENTRYPOINT, new AuthorizationInput(input.principal(), input.action(), input.resource(), null));
    }

    /** The key of a data-access question: the input without its context. */
    static Object key(DataAccessInput input) {
        return new Key(PolicyClient.DATA_ACCESS_ENTRYPOINT, new DataAccessInput(input.principal(), input.privilege(), input.table(), null));
    }

    /** The answer kept for {@code key}, or {@code null}. */
    Object get(Object key) {
        if (generationCapacity == 0) {
            return null;
        }
        Object answer = young.get(key);
        if (answer == null) {
            answer = old.get(key);
            if (answer != null) {
                put(key, answer);
            }
        }
        return answer;
    }

    /** Keeps the policy's answer for {@code key}. */
    void put(Object key, Object answer) {
        if (generationCapacity == 0) {
            return;
        }
        ConcurrentHashMap<Object, Object> current = young;
        if (current.size() >= generationCapacity) {
            synchronized (this) {
                if (young == current) {
                    old = current;
                    young = new ConcurrentHashMap<>();
                }
                current = young;
            }
        }
        current.put(key, answer);
    }

    /** How many answers are kept (both generations; a key may be counted twice). */
    int size() {
        return young.size() + old.size();
    }

    private record Key(String entrypoint, Object input) {
        Key {
            Objects.requireNonNull(entrypoint, "entrypoint");
            Objects.requireNonNull(input, "input");
        }
    }
}
