package netdisk.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import netdisk.protocol.Sha256;

class SmallBlobCacheTest {

    @Test
    void keepsWithinItsBudgetDroppingTheLeastRecentlyUsedFirst() {
        var cache = new SmallBlobCache(10, 4);
        BlobId a = blob("a", 4);
        BlobId b = blob("b", 4);
        BlobId c = blob("c", 2);
        cache.put(a, new byte[4]);
        cache.put(b, new byte[4]);
        assertThat(cache.get(a)).isNotNull(); // a is now more recently used than b
        cache.put(c, new byte[2]);
        assertThat(cache.bytes()).isEqualTo(10);

        cache.put(blob("d", 1), new byte[1]);

        assertThat(cache.get(b)).isNull();
        assertThat(cache.get(a)).hasSize(4);
        assertThat(cache.get(c)).hasSize(2);
        assertThat(cache.bytes()).isEqualTo(7);
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void keepsNothingLargerThanItsLargestOrOfTheWrongSize() {
        var cache = new SmallBlobCache(100, 4);
        cache.put(blob("big", 5), new byte[5]);
        cache.put(blob("liar", 3), new byte[4]);

        assertThat(cache.size()).isZero();
        assertThat(cache.keeps(4)).isTrue();
        assertThat(cache.keeps(5)).isFalse();
        assertThat(new SmallBlobCache(0, 4).keeps(1)).isFalse();
    }

    @Test
    void givesNothingForABlobOfTheSameHashButAnotherSize() {
        var cache = new SmallBlobCache(100, 10);
        cache.put(blob("x", 3), new byte[] {1, 2, 3});

        assertThat(cache.get(blob("x", 4))).isNull();
        assertThat(cache.get(blob("x", 3))).containsExactly(1, 2, 3);
    }

    @Test
    void refusesANegativeBudget() {
        assertThatThrownBy(() -> new SmallBlobCache(-1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmallBlobCache(4, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Random puts and gets against a model: a map in order of use, trimmed from its eldest end. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void behavesAsAnOrderedMapTrimmedToTheBudget(long seed) {
        var random = new Random(seed);
        int budget = 1 + random.nextInt(64);
        int largest = 1 + random.nextInt(16);
        var cache = new SmallBlobCache(budget, largest);
        var model = new LinkedHashMap<String, byte[]>(16, 0.75f, true);
        List<BlobId> blobs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            blobs.add(blob("blob " + i, random.nextInt(20)));
        }
        for (int step = 0; step < 2_000; step++) {
            BlobId blob = blobs.get(random.nextInt(blobs.size()));
            if (random.nextBoolean()) {
                byte[] content = new byte[(int) blob.size()];
                random.nextBytes(content);
                cache.put(blob, content);
                if (content.length <= largest && content.length <= budget) {
                    model.put(blob.sha256(), content);
                    trim(model, budget);
                }
            } else {
                assertThat(cache.get(blob)).isSameAs(model.get(blob.sha256()));
            }
            assertThat(cache.bytes()).isEqualTo(bytes(model)).isLessThanOrEqualTo(budget);
            assertThat(cache.size()).isEqualTo(model.size());
        }
    }

    private static void trim(LinkedHashMap<String, byte[]> model, long budget) {
        var eldest = model.entrySet().iterator();
        while (bytes(model) > budget) {
            eldest.next();
            eldest.remove();
        }
    }

    private static long bytes(Map<String, byte[]> model) {
        return model.values().stream().mapToLong(content -> content.length).sum();
    }

    private static BlobId blob(String name, long size) {
        return new BlobId(Sha256.hexOf(name.getBytes()), size);
    }
}
