package io.lakeward.launcher;

import io.lakeward.common.config.Secret;
import io.lakeward.common.error.ErrorCode;
import io.lakeward.common.error.LakewardException;
import io.lakeward.common.id.TenantId;
import io.lakeward.gateway.login.LoginClients;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The gateway's login client secrets, from the owner-only realm secrets files the provisioner
 * writes under {@code secrets/}. Read at each login, so realms provisioned later sign in at once.
 */
final class RealmLoginClients implements LoginClients {
    private final Path secretsDirectory;

    RealmLoginClients(Path secretsDirectory) {
        this.secretsDirectory = secretsDirectory;
    }

    @Override
    public Optional<Secret> clientSecret(TenantId tenant) {
        Path file = RealmProvisioner.secretsFile(secretsDirectory, tenant.value());
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return RealmSecrets.read(file).gatewayClientSecret();
        } catch (IOException e) {
            throw new LakewardException(ErrorCode.INTERNAL_ERROR, "the login client of this workspace cannot be read", e);
        }
    }
}
