package io.lakeward.gateway;

import io.lakeward.policy.client.EmbeddedPolicyClient;
import io.lakeward.policy.client.EmbeddedPolicyConfig;
import io.lakeward.policy.client.PolicyClient;
import io.lakeward.policy.client.PolicyData;
import io.lakeward.policy.client.WasmPolicy;

/** The real policies for gateways under test: the embedded engine with no admin data (roles come from the credential). */
public final class TestPolicyClients {
    private TestPolicyClients() {
    }

    public static PolicyClient embedded() {
        return EmbeddedPolicyClient.start(WasmPolicy.fromClasspath(), PolicyData.empty("0"), EmbeddedPolicyConfig.defaults());
    }
}
