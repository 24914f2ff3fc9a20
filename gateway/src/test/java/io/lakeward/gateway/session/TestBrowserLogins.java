package io.lakeward.gateway.session;

import io.lakeward.common.id.TenantId;
import io.lakeward.keyvault.keys.EnvelopeCipher;
import io.lakeward.keyvault.keys.MasterKey;
import io.lakeward.keyvault.keys.TenantKeyStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Browser login parts for gateway tests: a real tenant keystore in a temporary directory. */
public final class TestBrowserLogins {
    private TestBrowserLogins() {
    }

    /** A keystore under {@code directory} with a key for each tenant, and the cipher over it. */
    public static EnvelopeCipher cipher(Path directory, List<TenantId> tenants) {
        TenantKeyStore keys = TenantKeyStore.open(directory.resolve("tenant-keys.bcfks"), MasterKey.generate(new SecureRandom()),
                new BouncyCastleProvider());
        tenants.forEach(tenant -> {
            if (!keys.hasTenant(tenant)) {
                keys.createTenant(tenant);
            }
        });
        return new EnvelopeCipher(keys);
    }

    /** Sessions in memory and no tenant with a login client: for tests of other parts of the gateway. */
    public static BrowserLogin withoutSignIn(Path directory) {
        return new BrowserLogin(new InMemoryBrowserSessionStore(), cipher(directory, List.of()), tenant -> Optional.empty(),
                SessionConfig.defaults());
    }
}
