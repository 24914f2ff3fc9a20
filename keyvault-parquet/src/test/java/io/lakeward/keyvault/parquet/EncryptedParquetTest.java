package io.lakeward.keyvault.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.audit.client.event.AuditEvent;
import io.lakeward.audit.client.outbox.FileAuditOutbox;
import io.lakeward.audit.client.outbox.FileAuditOutboxConfig;
import io.lakeward.audit.client.outbox.OutboxEntry;
import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.Keyvault;
import io.lakeward.keyvault.KeyvaultConfig;
import io.lakeward.keyvault.api.KeyvaultVerticle;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.crypto.keytools.KeyToolkit;
import org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parquet's own writer and reader with modular encryption through {@link PropertiesDrivenCryptoFactory}
 * and {@link LakewardKmsClient}, against a running keyvault API: one uniform key for footer and
 * columns, double wrapping, keys wrapped under the tenant's key in the keyvault.
 */
class EncryptedParquetTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            "message orders { required int64 id; required binary customer (UTF8); required double amount; }");

    private static Keyvault keyvault;
    private static FileAuditOutbox audit;
    private static Vertx vertx;
    private static String url;
    private static Path directory;

    @BeforeAll
    static void start() throws Exception {
        directory = Files.createTempDirectory("encrypted-parquet");
        keyvault = Keyvault.open(new KeyvaultConfig(Optional.empty(), directory.resolve("master.key"), directory.resolve("keys.bcfks"), 0,
                Duration.ofMinutes(5)), Clock.systemUTC());
        keyvault.ensureTenantKey(ACME);
        keyvault.ensureTenantKey(GLOBEX);
        audit = FileAuditOutbox.open(FileAuditOutboxConfig.defaults(directory.resolve("outbox")));
        vertx = Vertx.vertx();
        KeyvaultVerticle verticle = new KeyvaultVerticle(keyvault, audit, 0, null);
        vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        url = "http://127.0.0.1:" + verticle.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        if (audit != null) {
            audit.close();
        }
    }

    static Configuration encryption(String token, String tableKey) {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
        conf.set("parquet.crypto.factory.class", PropertiesDrivenCryptoFactory.class.getName());
        conf.set(KeyToolkit.KMS_CLIENT_CLASS_PROPERTY_NAME, LakewardKmsClient.class.getName());
        conf.set(KeyToolkit.KMS_INSTANCE_URL_PROPERTY_NAME, url);
        conf.set(KeyToolkit.KEY_ACCESS_TOKEN_PROPERTY_NAME, token);
        conf.set(PropertiesDrivenCryptoFactory.UNIFORM_KEY_PROPERTY_NAME, tableKey);
        return conf;
    }

    static org.apache.hadoop.fs.Path write(Configuration conf, int rows) throws Exception {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(directory.resolve("orders-" + UUID.randomUUID() + ".parquet").toUri());
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(path).withConf(conf).withType(SCHEMA).build()) {
            for (int i = 0; i < rows; i++) {
                writer.write(groups.newGroup().append("id", (long) i).append("customer", "customer-secret-" + i).append("amount", i * 1.5));
            }
        }
        return path;
    }

    static List<Group> read(Configuration conf, org.apache.hadoop.fs.Path path) throws Exception {
        List<Group> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
            for (Group row = reader.read(); row != null; row = reader.read()) {
                rows.add(row);
            }
        }
        return rows;
    }

    static String token(TenantId tenant, String caller) {
        return keyvault.issueToken(tenant, caller).token().reveal();
    }

    @Test
    void aDriverWritesAndAnotherReadsAnEncryptedFileThroughTheKeyvault() throws Exception {
        String tableKey = "table/" + UUID.randomUUID();
        org.apache.hadoop.fs.Path path = write(encryption(token(ACME, "cluster:writer-1"), tableKey), 100);

        byte[] bytes = Files.readAllBytes(Path.of(path.toUri()));
        assertEquals("PARE", new String(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length), StandardCharsets.US_ASCII),
                "an encrypted footer");
        assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("customer-secret"), "no plaintext in the file");

        List<Group> rows = read(encryption(token(ACME, "cluster:reader-1"), tableKey), path);
        assertEquals(100, rows.size());
        assertEquals("customer-secret-42", rows.get(42).getString("customer", 0));

        // one uniform master key for footer and every column, used only through the keyvault
        Set<String> keyIds = audit.readAll().stream().map(OutboxEntry::event)
                .filter(e -> e.action().startsWith("keyvault.key_"))
                .filter(e -> "cluster:writer-1".equals(e.actor().id()) || "cluster:reader-1".equals(e.actor().id()))
                .flatMap(e -> e.dataTouched().stream()).map(r -> r.name()).collect(Collectors.toSet());
        assertEquals(Set.of(tableKey), keyIds);
        List<AuditEvent> unwraps = audit.readAll().stream().map(OutboxEntry::event)
                .filter(e -> e.action().equals("keyvault.key_unwrap") && "cluster:reader-1".equals(e.actor().id())).toList();
        assertFalse(unwraps.isEmpty(), "the reader unwrapped through the keyvault");
    }

    @Test
    void aReaderWithoutAValidTokenOrKeysFails() throws Exception {
        String tableKey = "table/" + UUID.randomUUID();
        org.apache.hadoop.fs.Path path = write(encryption(token(ACME, "cluster:writer"), tableKey), 10);

        // no keys at all: Parquet refuses the encrypted footer
        Configuration plain = new Configuration(false);
        plain.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
        assertThrows(Exception.class, () -> read(plain, path));
        // a token that is not a token
        assertDenied(() -> read(encryption("lwkv1." + "A".repeat(43), tableKey), path));
        // another tenant's valid token
        assertDenied(() -> read(encryption(token(GLOBEX, "cluster:thief"), tableKey), path));
        // a revoked token
        String revoked = token(ACME, "cluster:stopped");
        keyvault.tokens().revoke(revoked);
        assertDenied(() -> read(encryption(revoked, tableKey), path));
        // the right token still reads
        assertEquals(10, read(encryption(token(ACME, "cluster:reader-2"), tableKey), path).size());
    }

    /** The read fails because the keyvault refused the key, not for some other reason. */
    private static void assertDenied(org.junit.jupiter.api.function.Executable read) {
        Exception failure = assertThrows(Exception.class, read);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.parquet.crypto.KeyAccessDeniedException) {
                return;
            }
        }
        throw new AssertionError("expected the keyvault to deny the key, got " + failure, failure);
    }

    @Test
    void theKmsUrlMustKeepTheTokenOnLoopbackOrTls() {
        assertEquals("http://127.0.0.1:9454/", LakewardKmsClient.keyvaultUri("http://127.0.0.1:9454").toString());
        assertEquals("https://keyvault.example:443/", LakewardKmsClient.keyvaultUri("https://keyvault.example:443/x").toString());
        assertThrows(RuntimeException.class, () -> LakewardKmsClient.keyvaultUri("http://keyvault.example:9454"));
        assertThrows(RuntimeException.class, () -> LakewardKmsClient.keyvaultUri("http://user@127.0.0.1:9454"));
        assertThrows(RuntimeException.class, () -> LakewardKmsClient.keyvaultUri("ftp://127.0.0.1"));
        assertThrows(RuntimeException.class, () -> LakewardKmsClient.keyvaultUri("DEFAULT"));
    }
}
