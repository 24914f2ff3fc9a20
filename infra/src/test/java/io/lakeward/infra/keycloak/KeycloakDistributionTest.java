package io.lakeward.infra.keycloak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeycloakDistributionTest {
    @TempDir
    Path directory;

    @Test
    void versionComesFromTheBuild() {
        assertTrue(KeycloakDistribution.version().matches("\\d+\\.\\d+\\.\\d+"), KeycloakDistribution.version());
    }

    @Test
    void archiveIsFoundInTheLocalRepositoryTheBuildUses() throws Exception {
        Path archive = KeycloakDistribution.archive();
        assertTrue(archive.startsWith(KeycloakDistribution.localRepository()), archive.toString());
        assertTrue(archive.endsWith("keycloak-quarkus-dist-" + KeycloakDistribution.version() + ".tar.gz"));
        assertTrue(Files.size(archive) > 100_000_000L);
    }

    @Test
    void archivePathFollowsMavenLayout() {
        assertEquals(Path.of("/repo/org/keycloak/keycloak-quarkus-dist/26.4.5/keycloak-quarkus-dist-26.4.5.tar.gz"),
                KeycloakDistribution.archivePath(Path.of("/repo"), "26.4.5"));
    }

    @Test
    void preparedCopyIsReusedAndMarked() throws Exception {
        // the per-JVM copy of the test Keycloak was prepared by copyInto; preparing again changes nothing
        Path home = TestKeycloak.server().options().home();
        Path marker = home.resolve(".lakeward-distribution");
        String content = Files.readString(marker);
        assertTrue(content.contains("version=" + KeycloakDistribution.version()));
        assertTrue(content.contains("--health-enabled=true"));
        long modified = Files.getLastModifiedTime(marker).toMillis();
        assertEquals(home, KeycloakDistribution.copyInto(home.getParent(), TestKeycloak.buildStateDirectory().resolve("keycloak-template")));
        assertEquals(modified, Files.getLastModifiedTime(marker).toMillis());
        assertTrue(Files.isDirectory(home.resolve("lib/quarkus")), "the copy is pre-built");
    }

    @Test
    void aForeignDirectoryIsNotTakenOver() throws Exception {
        Path foreign = Files.createDirectories(directory.resolve("keycloak-" + KeycloakDistribution.version()));
        IOException failure = assertThrows(IOException.class, () -> KeycloakDistribution.unpackInto(directory));
        assertTrue(failure.getMessage().contains("not prepared by Lakeward"), failure.getMessage());
    }
}
