package io.dnsprobe.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dnsprobe.api.DnsReport;
import io.dnsprobe.api.DnsReportSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patches as kube-apiserver applies them: every example of RFC 7386 appendix A and section 3, RFC 6902
 * appendix A.1-A.16, and through the mock API server over HTTP with a fabric8 client (status patched twice,
 * arrays shrinking, keys nulled; which parts a patch of the resource or of its status may change).
 */
class ApiServerPatchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "patches";
    private static MockApiServer api;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        api = MockApiServer.start();
        client = api.client("patches-test");
        api.loadCrd(client, MockApiServer.REPORT_CRD);
    }

    @AfterAll
    static void stop() {
        Cleanup.closeAll(client, api);
    }

    /** JSON written with ' for " (none of the examples has a ' of its own). */
    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static void merges(String target, String patch, String result) {
        JsonNode original = json(target);
        assertThat(ApiServerPatches.mergePatch(original, json(patch)))
                .as("%s + %s", target, patch)
                .isEqualTo(json(result));
        assertThat(original).as("the target is not changed").isEqualTo(json(target));
    }

    @Test
    void mergePatchAsRfc7386AppendixA() {
        merges("{'a':'b'}", "{'a':'c'}", "{'a':'c'}");
        merges("{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}");
        merges("{'a':'b'}", "{'a':null}", "{}");
        merges("{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}");
        merges("{'a':['b']}", "{'a':'c'}", "{'a':'c'}");
        merges("{'a':'c'}", "{'a':['b']}", "{'a':['b']}");
        merges("{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}");
        merges("{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}");
        merges("['a','b']", "['c','d']", "['c','d']");
        merges("{'a':'b'}", "['c']", "['c']");
        merges("{'a':'foo'}", "null", "null");
        merges("{'a':'foo'}", "'bar'", "'bar'");
        merges("{'e':null}", "{'a':1}", "{'e':null,'a':1}");
        merges("[1,2]", "{'a':'b','c':null}", "{'a':'b'}");
        merges("{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}");
    }

    @Test
    void mergePatchAsRfc7386Section3() {
        merges(
                "{'title':'Goodbye!','author':{'givenName':'John','familyName':'Doe'},'tags':['example','sample'],"
                        + "'content':'This will be unchanged'}",
                "{'title':'Hello!','phoneNumber':'+01-123-456-7890','author':{'familyName':null},'tags':['example']}",
                "{'title':'Hello!','author':{'givenName':'John'},'tags':['example'],'content':'This will be unchanged',"
                        + "'phoneNumber':'+01-123-456-7890'}");
    }

    private static void patches(String target, String patch, String result) throws ApiServerPatches.Rejected {
        JsonNode original = json(target);
        assertThat(ApiServerPatches.jsonPatch(original, json(patch)))
                .as("%s + %s", target, patch)
                .isEqualTo(json(result));
        assertThat(original).as("the target is not changed").isEqualTo(json(target));
    }

    private static void refuses(String target, String patch, String why) {
        assertThatThrownBy(() -> ApiServerPatches.jsonPatch(json(target), json(patch)))
                .as("%s + %s", target, patch)
                .isInstanceOfSatisfying(
                        ApiServerPatches.Rejected.class,
                        r -> assertThat(r.code()).isEqualTo(422))
                .hasMessageContaining(why);
    }

    @Test
    void jsonPatchAsRfc6902AppendixA() throws Exception {
        patches("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}"); // A.1
        patches(
                "{'foo':['bar','baz']}",
                "[{'op':'add','path':'/foo/1','value':'qux'}]",
                "{'foo':['bar','qux','baz']}"); // A.2
        patches("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}"); // A.3
        patches("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}"); // A.4
        patches(
                "{'baz':'qux','foo':'bar'}",
                "[{'op':'replace','path':'/baz','value':'boo'}]",
                "{'baz':'boo','foo':'bar'}"); // A.5
        patches(
                "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
                "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
                "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"); // A.6
        patches(
                "{'foo':['all','grass','cows','eat']}",
                "[{'op':'move','from':'/foo/1','path':'/foo/3'}]",
                "{'foo':['all','cows','eat','grass']}"); // A.7
        patches(
                "{'baz':'qux','foo':['a',2,'c']}",
                "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
                "{'baz':'qux','foo':['a',2,'c']}"); // A.8
        refuses("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "testing value /baz failed"); // A.9
        patches(
                "{'foo':'bar'}",
                "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
                "{'foo':'bar','child':{'grandchild':{}}}"); // A.10
        patches(
                "{'foo':'bar'}",
                "[{'op':'add','path':'/baz','value':'qux','xyz':123}]",
                "{'foo':'bar','baz':'qux'}"); // A.11
        refuses("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", "missing path: baz"); // A.12
        assertThatThrownBy(() -> ApiServerPatches.parse(
                        "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]")) // A.13
                .isInstanceOfSatisfying(
                        ApiServerPatches.Rejected.class,
                        r -> assertThat(r.code()).isEqualTo(400))
                .hasMessageContaining("Duplicate field 'op'");
        patches("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]", "{'/':9,'~1':10}"); // A.14
        refuses("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", "testing value /~01 failed"); // A.15
        patches(
                "{'foo':['bar']}",
                "[{'op':'add','path':'/foo/-','value':['abc','def']}]",
                "{'foo':['bar',['abc','def']]}"); // A.16
    }

    @Test
    void jsonPatchRefusesWhatKubeApiserverRefuses() throws Exception {
        refuses("{'a':1}", "[{'op':'remove','path':'/b'}]", "missing path: b");
        refuses("{'a':1}", "[{'op':'replace','path':'/b','value':2}]", "missing path: b");
        refuses("{'a':[1]}", "[{'op':'remove','path':'/a/1'}]", "out of bounds");
        refuses("{'a':[1]}", "[{'op':'remove','path':'/a/-'}]", "not an array index: -");
        refuses("{'a':[1]}", "[{'op':'add','path':'/a/01','value':2}]", "not an array index: 01");
        refuses("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "into one of its children");
        refuses("{'a':1}", "[{'op':'copy','from':'/x','path':'/b'}]", "missing path: x");
        refuses("{'a':1}", "[{'op':'frobnicate','path':'/a'}]", "unknown op");
        // All or nothing: the first operation applied, the second failed, the target is as it was.
        refuses("{'a':1}", "[{'op':'add','path':'/b','value':2},{'op':'test','path':'/a','value':2}]", "operation 1");
        patches(
                "{'a':[1,2]}",
                "[{'op':'add','path':'/a/2','value':3},{'op':'copy','from':'/a','path':'/b'}]",
                "{'a':[1,2,3],'b':[1,2,3]}");
        patches("{'a':1}", "[{'op':'test','path':'/a','value':1.0}]", "{'a':1}"); // numbers by value (RFC 6902 4.6)
        patches("{'a':1}", "[{'op':'replace','path':'','value':{'b':2}}]", "{'b':2}");
    }

    private static Resource<DnsReport> report(String name) {
        return client.resources(DnsReport.class).inNamespace(NS).withName(name);
    }

    private static DnsReport created(String name) {
        DnsReportSpec spec = new DnsReportSpec(new DnsReportSpec.WorkloadRef("Deployment", name, "uid-" + name));
        return client.resource(new DnsReport(NS, name, spec)).create();
    }

    /** The object as the mock stores it, JSON as served (not through the typed model, which could hide keys). */
    private static JsonNode stored(String name) throws Exception {
        return JSON.readTree(
                client.raw(api.url() + "/apis/dnsprobe.io/v1alpha1/namespaces/" + NS + "/dnsreports/" + name));
    }

    private static void mergeStatus(String name, String patch) {
        report(name)
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), json(patch).toString());
    }

    @Test
    void statusMergedTwiceOverHttpHoldsExactlyTheNewArrays() throws Exception {
        created("shrinks");
        mergeStatus(
                "shrinks",
                "{'status':{'summary':'1 of 2 names fail','libc':'musl 1.2.3',"
                        + "'containers':[{'name':'app','libc':'musl 1.2.3'},{'name':'sidecar','libc':'musl 1.2.3'}],"
                        + "'results':[{'name':'db','verdict':'FAILS','reason':'truncated'},{'name':'cache','verdict':'OK'}]}}");
        mergeStatus(
                "shrinks",
                "{'status':{'summary':'no name fails','libc':null,"
                        + "'containers':[{'name':'app','libc':'musl 1.2.5'}],'results':[{'name':'db','verdict':'OK'}]}}");

        assertThat(stored("shrinks").get("status"))
                .isEqualTo(
                        json(
                                "{'summary':'no name fails',"
                                        + "'containers':[{'name':'app','libc':'musl 1.2.5'}],'results':[{'name':'db','verdict':'OK'}]}"));
    }

    @Test
    void jsonPatchOverHttpAppliesOrIsRefusedWith422() throws Exception {
        created("json-patch");
        mergeStatus("json-patch", "{'status':{'results':[{'name':'a'},{'name':'b'},{'name':'c'}]}}");
        report("json-patch")
                .subresource("status")
                .patch(
                        PatchContext.of(PatchType.JSON),
                        json("[{'op':'remove','path':"
                                        + "'/status/results/1'},{'op':'add','path':'/status/results/-','value':{'name':'d'}}]")
                                .toString());
        assertThat(stored("json-patch").at("/status/results"))
                .isEqualTo(json("[{'name':'a'},{'name':'c'},{'name':'d'}]"));

        for (String refused : new String[] {
            "[{'op':'test','path':'/status/results/0/name','value':'z'}]",
            "[{'op':'remove','path':'/status/summary'}]",
            "[{'op':'replace','path':'/status/libc','value':'musl'}]",
            "[{'op':'add','path':'/status/nothing/here','value':1}]"
        }) {
            assertThatThrownBy(() -> report("json-patch")
                            .subresource("status")
                            .patch(
                                    PatchContext.of(PatchType.JSON),
                                    json(refused).toString()))
                    .as(refused)
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(422));
        }
        assertThat(stored("json-patch").at("/status/results"))
                .isEqualTo(json("[{'name':'a'},{'name':'c'},{'name':'d'}]"));
    }

    @Test
    void strategicMergeAndServerSideApplyAreRefusedNotAppended() throws Exception {
        created("refused");
        mergeStatus("refused", "{'status':{'results':[{'name':'a'}]}}");
        for (PatchType type : new PatchType[] {PatchType.STRATEGIC_MERGE, PatchType.SERVER_SIDE_APPLY}) {
            assertThatThrownBy(() -> report("refused")
                            .subresource("status")
                            .patch(
                                    new PatchContext.Builder()
                                            .withPatchType(type)
                                            .withFieldManager("test")
                                            .withForce(true)
                                            .build(),
                                    json("{'status':{'results':[{'name':'b'}]}}")
                                            .toString()))
                    .as(type.name())
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(415));
        }
        assertThat(stored("refused").at("/status/results")).isEqualTo(json("[{'name':'a'}]"));
    }

    @Test
    void statusAndSpecAreWrittenOnlyThroughTheirOwnPaths() throws Exception {
        created("paths");
        JsonNode created = stored("paths");
        assertThat(created.at("/metadata/generation").asLong()).isEqualTo(1);

        mergeStatus("paths", "{'status':{'summary':'one'},'spec':{'workload':{'name':'changed'}}}");
        JsonNode afterStatus = stored("paths");
        assertThat(afterStatus.at("/status/summary").asText()).isEqualTo("one");
        assertThat(afterStatus.at("/spec/workload/name").asText())
                .as("a status patch leaves spec")
                .isEqualTo("paths");
        assertThat(afterStatus.at("/metadata/generation").asLong())
                .as("status is not spec")
                .isEqualTo(1);
        String rv1 = afterStatus.at("/metadata/resourceVersion").asText();
        assertThat(rv1).isNotEqualTo(created.at("/metadata/resourceVersion").asText());

        report("paths")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        json("{'status':{'summary':'two'},'spec':{'workload':{'name':'renamed'}}}")
                                .toString());
        JsonNode afterSpec = stored("paths");
        assertThat(afterSpec.at("/status/summary").asText())
                .as("the status subresource (crds/)")
                .isEqualTo("one");
        assertThat(afterSpec.at("/spec/workload/name").asText()).isEqualTo("renamed");
        assertThat(afterSpec.at("/metadata/generation").asLong()).isEqualTo(2);
        String rv2 = afterSpec.at("/metadata/resourceVersion").asText();
        assertThat(rv2).isNotEqualTo(rv1);

        report("paths")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        json("{'metadata':{'labels':{'x':'y'}}}").toString());
        JsonNode afterLabel = stored("paths");
        assertThat(afterLabel.at("/metadata/generation").asLong())
                .as("metadata is not spec")
                .isEqualTo(2);
        String rv3 = afterLabel.at("/metadata/resourceVersion").asText();
        assertThat(rv3).isNotEqualTo(rv2);

        mergeStatus("paths", "{'status':{'summary':'one'}}");
        assertThat(stored("paths").at("/metadata/resourceVersion").asText())
                .as("a write that changes nothing")
                .isEqualTo(rv3);

        assertThatThrownBy(() -> mergeStatus("paths", "{'metadata':{'resourceVersion':'" + rv1 + "'},'status':{}}"))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));
    }
}
