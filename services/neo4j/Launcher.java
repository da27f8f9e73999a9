// A tiny embedded Neo4j 5.26 Community server for development and tests on machines without
// Docker. Java 17 runs this one file from source (no build step):
//
//   java --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
//        --add-opens=java.base/java.io=ALL-UNNAMED -Xmx3g \
//        -cp '.services/neo4j/lib/*' services/neo4j/Launcher.java <homeDir> <boltPort> [logsDir]
//
// scripts/services.mjs starts, checks and stops it; use that rather than this file directly.

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

public class Launcher {
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: Launcher.java <homeDir> <boltPort> [logsDir]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path logs = args.length > 2 ? Path.of(args[2]).toAbsolutePath() : home.resolve("logs");

        long started = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                // Loopback only: this is a dev/test server with authentication switched off.
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Modest memory: the machine has two cores and runs Kafka and the tests beside it.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(512))
                // One sync is one transaction (graph changes, events, outbox rows together): allow
                // it up to 2 GiB of transaction state instead of the default 70% of a small heap.
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.gibiBytes(2))
                .setConfig(GraphDatabaseSettings.logs_directory, logs)
                // Transaction logs otherwise preallocate 256 MB per database (neo4j and system):
                // half a GB of disk for a few test nodes.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Keep only the last 256 MB of transaction logs (the default keeps 2 days): a day of
                // benchmarks and test tenants filled 15 GB of disk with logs nobody replays.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "256M size")
                // No usage-data phone-home: closed networks, and it only slows start-up there.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // A stop should not hang on a test's forgotten transaction.
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                // Bolt shuts down after the databases have checkpointed, then waits 5 s twice for
                // idle connections and its thread pool; 1 s each is plenty for a dev server and
                // makes `down` (and a test run's teardown) ~8 s faster.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .build();

        // SIGTERM (from `services.mjs down`) and Ctrl-C run the hook: a clean shutdown leaves a
        // consistent store, so the next start needs no recovery.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Neo4j shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.printf("Neo4j ready on bolt://127.0.0.1:%d (home %s, %d ms)%n", port, home, ms);
        // The DBMS threads are daemons in places; park main until the hook has finished.
        stopped.await();
    }
}
