"""ThingsBoard's own REST client (tb-rest-client 4.3, RestClientPE) walks the MQTT integration guide and the
contracts.md endpoints against Bridgeboard. Only the client's high-level methods are used, never raw HTTP: a
model the client cannot read (a required field missing, an unknown enum value) fails the step, as it would fail
a ThingsBoard user. Each step prints one line; the run ends with "N passed, N failed".

Run by run.ts (pnpm test:tb-client), which starts the platform and passes its address and broker."""
import argparse
import base64
import json
import sys
import threading
import time
import traceback
import uuid

from tb_rest_client.rest import ApiException
from tb_rest_client.rest_client_pe import (
    Converter, ConverterId, Dashboard, Device, DeviceProfile, DeviceProfileId, EntityId, Integration, RestClientPE,
    RuleChain, RuleChainMetaData, RuleNode, NodeConnectionInfo,
)

SENSORS = 'tb/mqtt-integration-tutorial/sensors'
DOWNLINK_NODE = 'org.thingsboard.rule.engine.integration.TbIntegrationDownlinkNode'

args = argparse.ArgumentParser()
args.add_argument('--url', required=True)
args.add_argument('--mqtt-host', required=True)
args.add_argument('--mqtt-port', type=int, required=True)
args.add_argument('--scripts', required=True, help='JSON file with the guide\'s four converter scripts')
A = args.parse_args()
SCRIPTS = json.load(open(A.scripts))

sys.path.insert(0, __import__('os').path.dirname(__file__))
from mqtt_mini import Mqtt  # noqa: E402

results = []
ctx = {}


def step(name):
    def wrap(fn):
        t0 = time.time()
        try:
            fn()
            results.append(True)
            print(f'  ok   {name} ({int((time.time() - t0) * 1000)} ms)')
        except Exception as e:  # a failed step is reported, and the walk goes on
            results.append(False)
            detail = f'{e.status} {e.body}' if isinstance(e, ApiException) else ''.join(traceback.format_exception_only(type(e), e)).strip()
            print(f'  FAIL {name}\n       {detail[:600]}')
        return fn
    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def status_of(fn):
    """The HTTP status an API call answers (200 when it succeeds)."""
    try:
        fn()
        return 200
    except ApiException as e:
        return e.status


def until(fn, what, timeout=15):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        try:
            v = fn()
            if v:
                return v
        except ApiException as e:
            last = e
        time.sleep(0.2)
    raise AssertionError(f'{what} (waited {timeout} s{"; last error " + str(last.status) if last else ""})')


c = RestClientPE(base_url=A.url)
received = []
device_mqtt = Mqtt(A.mqtt_host, A.mqtt_port, on_message=lambda t, p: received.append((t, p.decode())))


@step('login as the tenant administrator; get_user')
def _():
    c.login('tenant@example.com', 'tenant')
    u = c.get_user()
    expect(u.authority == 'TENANT_ADMIN', f'authority {u.authority}')
    ctx['tenant'] = u.tenant_id


# --- Create Data Converters ---------------------------------------------------------------------------------------
@step('save_converter: "MQTT uplink" (UPLINK, debug mode, the guide\'s decoder)')
def _():
    conv = c.save_converter(Converter(name='MQTT uplink', type='UPLINK', debug_mode=True,
                                      configuration={'scriptLang': 'JS', 'decoder': SCRIPTS['decoder']}))
    expect(conv.id.entity_type == 'CONVERTER' and conv.version is not None, f'{conv.id} version {conv.version}')
    ctx['uplink'] = conv


@step('test_up_link_converter: the decoder turns {"value":25.1} into SN-001\'s temperature')
def _():
    r = c.test_up_link_converter(body={'payload': base64.b64encode(b'{"value":25.1}').decode(),
                                       'metadata': {'topic': f'{SENSORS}/SN-001/temperature', 'integrationName': 'MQTT Integration'},
                                       'decoder': SCRIPTS['decoder']}, script_lang='JS')
    out = json.loads(r['output'])
    expect(r['error'] == '' and out['deviceName'] == 'SN-001' and out['telemetry']['temperature'] == 25.1, r)


@step('save_converter: "MQTT Downlink" (DOWNLINK, the guide\'s encoder); test_down_link_converter')
def _():
    conv = c.save_converter(Converter(name='MQTT Downlink', type='DOWNLINK', debug_mode=True,
                                      configuration={'scriptLang': 'JS', 'encoder': SCRIPTS['encoder']}))
    ctx['downlink'] = conv
    r = c.test_down_link_converter(body={'msg': json.dumps({'method': 'setValue', 'params': '32'}), 'msgType': 'RPC_CALL_FROM_SERVER_TO_DEVICE',
                                         'metadata': {'deviceName': 'SN-001', 'deviceType': 'sensor'}, 'integrationMetadata': {},
                                         'encoder': SCRIPTS['encoder']}, script_lang='JS')
    out = json.loads(r['output'])
    expect(out['data'] == '{"value":32}' and out['metadata']['topic'] == f'{SENSORS}/SN-001/rx', r)


@step('get_converter_by_id, get_converters (page)')
def _():
    got = c.get_converter_by_id(ctx['uplink'].id)
    expect(got.name == 'MQTT uplink' and got.configuration['decoder'] == SCRIPTS['decoder'], got.name)
    page = c.get_converters(page_size=10, page=0, is_edge_template=False)
    expect(sorted(x.name for x in page.data) == ['MQTT Downlink', 'MQTT uplink'], [x.name for x in page.data])


@step('optimistic locking: a converter saved with a stale version answers 409, the fresh one saves')
def _():
    conv = ctx['uplink']
    fresh = c.save_converter(conv)  # the version it was read at
    expect(fresh.version > conv.version, f'version {conv.version} -> {fresh.version}')
    expect(status_of(lambda: c.save_converter(conv)) == 409, 'stale save was not refused')
    ctx['uplink'] = fresh


# --- Create Integration -------------------------------------------------------------------------------------------
ROUTING_KEY = str(uuid.uuid4())


def integration_config(filters):
    return {'clientConfiguration': {'host': A.mqtt_host, 'port': A.mqtt_port, 'cleanSession': False, 'ssl': False,
                                    'connectTimeoutSec': 10, 'credentials': {'type': 'anonymous'}},
            'topicFilters': [{'filter': f, 'qos': 0} for f in filters], 'downlinkTopicPattern': '${topic}', 'metadata': {}}


@step('save_integration: "MQTT Integration" (MQTT, debug mode, both converters, the guide\'s topic filter); routingKey kept')
def _():
    i = c.save_integration(Integration(name='MQTT Integration', type='MQTT', debug_mode=True, enabled=True, routing_key=ROUTING_KEY,
                                       secret='s3cret', default_converter_id=ctx['uplink'].id, downlink_converter_id=ctx['downlink'].id,
                                       configuration=integration_config([f'{SENSORS}/+/temperature'])))
    expect(i.routing_key == ROUTING_KEY and i.secret == 's3cret', f'routingKey {i.routing_key} secret {i.secret}')
    ctx['integration'] = i


@step('get_integration_by_id, get_integrations (page), get_integration_by_routing_key')
def _():
    got = c.get_integration_by_id(ctx['integration'].id)
    expect(got.routing_key == ROUTING_KEY and got.type == 'MQTT', got.routing_key)
    page = c.get_integrations(page_size=10, page=0, is_edge_template=False)
    expect([x.name for x in page.data] == ['MQTT Integration'], [x.name for x in page.data])
    by_key = c.get_integration_by_routing_key(ROUTING_KEY)
    expect(by_key.id.id == got.id.id, by_key.id)


@step('update the integration (save with its version); a stale version answers 409')
def _():
    i = c.get_integration_by_id(ctx['integration'].id)
    i.configuration['metadata'] = {'site': 'lab'}
    saved = c.save_integration(i)
    expect(saved.version > i.version and saved.routing_key == ROUTING_KEY, f'{saved.version} {saved.routing_key}')
    expect(status_of(lambda: c.save_integration(i)) == 409, 'stale save was not refused')
    ctx['integration'] = saved


# --- Send Uplink message ------------------------------------------------------------------------------------------
@step('mosquitto_pub {"value":25.1} to SN-001/temperature: the integration provisions SN-001 (get_tenant_device)')
def _():
    until(lambda: c.get_integration_by_id(ctx['integration'].id), 'integration readable')
    time.sleep(0.5)  # the integration subscribes right after its save
    device_mqtt.publish(f'{SENSORS}/SN-001/temperature', '{"value":25.1}')
    d = until(lambda: c.get_tenant_device('SN-001'), 'SN-001 was not created')
    expect(d.type == 'sensor' and d.device_profile_id.entity_type == 'DEVICE_PROFILE', f'{d.type} {d.device_profile_id}')
    ctx['device'] = d


@step('get_device_by_id, get_tenant_devices (page, type filter): deviceProfileId on every device')
def _():
    d = c.get_device_by_id(ctx['device'].id)
    expect(d.name == 'SN-001' and d.device_profile_id.id == ctx['device'].device_profile_id.id, d.name)
    page = c.get_tenant_devices(page_size=10, page=0, type='sensor')
    expect([x.name for x in page.data] == ['SN-001'] and all(x.device_profile_id for x in page.data), [x.name for x in page.data])


@step('get_device_profile_by_id: SN-001\'s profile is "sensor", made on first use')
def _():
    p = c.get_device_profile_by_id(ctx['device'].device_profile_id)
    expect(p.name == 'sensor' and p.type == 'DEFAULT' and p.transport_type == 'DEFAULT', f'{p.name} {p.type}')


@step('get_default_device_profile_info, get_device_profile_info_by_id, get_device_profiles (page)')
def _():
    info = c.get_default_device_profile_info()
    expect(info.name == 'default', info.name)
    one = c.get_device_profile_info_by_id(ctx['device'].device_profile_id)
    expect(one.name == 'sensor', one.name)
    page = c.get_device_profiles(page_size=10, page=0, sort_property='name', sort_order='ASC')
    expect([p.name for p in page.data] == ['default', 'sensor'] and [p.default for p in page.data] == [True, False], [p.name for p in page.data])
    ctx['default_profile'] = info


@step('save_device_profile "thermostat", then save_device with it: the device\'s type is the profile name')
def _():
    p = c.save_device_profile(DeviceProfile(name='thermostat', type='DEFAULT', transport_type='DEFAULT', provision_type='DISABLED',
                                            profile_data={'configuration': {'type': 'DEFAULT'}, 'transportConfiguration': {'type': 'DEFAULT'}}))
    d = c.save_device(Device(name='TH-1', label='hall', device_profile_id=p.id))
    expect(d.type == 'thermostat' and d.device_profile_id.id == p.id.id, f'{d.type}')
    d.label = 'kitchen'
    d2 = c.save_device(d)
    expect(d2.label == 'kitchen' and d2.version > d.version, f'{d2.label} {d2.version}')
    expect(status_of(lambda: c.save_device(d)) == 409, 'stale device save was not refused')


@step('get_latest_timeseries (useStrictDataTypes=True), get_timeseries_keys_v1, get_attributes: temperature 25.1')
def _():
    dev = EntityId(ctx['device'].id.id, 'DEVICE')
    latest = until(lambda: c.get_latest_timeseries(dev, keys='temperature', use_strict_data_types=True).get('temperature'), 'no temperature')
    expect(latest[0]['value'] == 25.1, latest)
    loose = c.get_latest_timeseries(dev, keys='temperature', use_strict_data_types=False)['temperature']
    expect(loose[0]['value'] == '25.1', loose)
    expect(c.get_timeseries_keys_v1(dev) == ['temperature'], 'keys')
    attrs = c.get_attributes(dev, keys='integrationName')
    expect(attrs and attrs[0]['value'] == 'MQTT Integration', attrs)


@step('get_timeseries (history, startTs/endTs, useStrictDataTypes=True)')
def _():
    dev = EntityId(ctx['device'].id.id, 'DEVICE')
    now = int(time.time() * 1000)
    h = c.get_timeseries(dev, keys='temperature', start_ts=now - 3600_000, end_ts=now + 1000, use_strict_data_types=True)
    expect(h['temperature'][0]['value'] == 25.1, h)


@step('converter Events tab: get_events_v1_get1(DEBUG_CONVERTER) shows In, Out and Metadata')
def _():
    conv = EntityId(ctx['uplink'].id.id, 'CONVERTER')
    page = until(lambda: c.get_events_v1_get1(conv, 'DEBUG_CONVERTER', ctx['tenant'], page_size=10, page=0), 'no converter event')
    e = page.data[0]
    body = e.body
    expect(e.type == 'DEBUG_CONVERTER' and body['type'] == 'Uplink' and body['in'] == '{"value":25.1}', body)
    out = json.loads(body['out'])
    meta = json.loads(body['metadata'])
    expect(out['deviceName'] == 'SN-001' and meta['topic'] == f'{SENSORS}/SN-001/temperature', body)
    expect(c.get_events_v1_get1(conv, 'LC_EVENT', ctx['tenant'], page_size=10, page=0).total_elements == 0, 'LC_EVENT')


@step('integration Events tab: get_events_v1_get1(DEBUG_INTEGRATION); untyped get_events_get still answers')
def _():
    ent = EntityId(ctx['integration'].id.id, 'INTEGRATION')
    page = until(lambda: c.get_events_v1_get1(ent, 'DEBUG_INTEGRATION', ctx['tenant'], page_size=10, page=0), 'no integration event')
    expect(any(x.body.get('type') == 'Uplink' for x in page.data), [x.body for x in page.data])
    untyped = c.get_events_get(ent, ctx['tenant'], page_size=10, page=0)
    expect(untyped.total_elements >= 1, untyped.total_elements)


@step('get_latest_converter_debug_input: {inContent, inContentType, inMetadata}')
def _():
    r = c.get_latest_converter_debug_input(ctx['uplink'].id)
    expect(r['inContent'] == '{"value":25.1}' and r['inContentType'] == 'JSON', r)
    expect(json.loads(r['inMetadata'])['topic'] == f'{SENSORS}/SN-001/temperature', r)


# --- Advanced Usage: one-way RPC -----------------------------------------------------------------------------------
@step('component descriptors: get_component_descriptors_by_types(ACTION,FILTER, CORE), by type, by clazz')
def _():
    descs = c.get_component_descriptors_by_types('ACTION,FILTER', rule_chain_type='CORE')
    expect(descs and {d.type for d in descs} <= {'ACTION', 'FILTER'}, {d.type for d in descs})
    expect(DOWNLINK_NODE in [d.clazz for d in descs], [d.clazz for d in descs])
    one = c.get_component_descriptor_by_clazz(DOWNLINK_NODE)
    expect(one.name and one.type == 'ACTION' and one.configuration_descriptor['nodeDefinition']['relationTypes'], one.name)
    flt = c.get_component_descriptors_by_type('FILTER', rule_chain_type='CORE')
    expect(flt and all(d.type == 'FILTER' for d in flt), [d.type for d in flt])


@step('Root Rule Chain: get_rule_chains, get_rule_chain_meta_data (ruleChainConnections [])')
def _():
    chains = c.get_rule_chains(page_size=10, page=0)
    root = [r for r in chains.data if r.root]
    expect(len(root) == 1, [r.name for r in chains.data])
    meta = c.get_rule_chain_meta_data(root[0].id)
    expect(meta.rule_chain_connections == [], meta.rule_chain_connections)
    names = [n.name for n in meta.nodes]
    expect('Message Type Switch' in names, names)
    ctx['root'], ctx['meta'] = root[0], meta


@step('add the Integration Downlink node and the "RPC Request to Device" connection (save_rule_chain_meta_data)')
def _():
    meta = ctx['meta']
    switch = [n.name for n in meta.nodes].index('Message Type Switch')
    node = RuleNode(type=DOWNLINK_NODE, name='MQTT Integration Downlink', debug_mode=True,
                    configuration={'integrationId': ctx['integration'].id.id}, additional_info={'layoutX': 600, 'layoutY': 400})
    new = RuleChainMetaData(rule_chain_id=meta.rule_chain_id, first_node_index=meta.first_node_index, nodes=meta.nodes + [node],
                            connections=meta.connections + [NodeConnectionInfo(from_index=switch, to_index=len(meta.nodes), type='RPC Request to Device')],
                            rule_chain_connections=[], version=meta.version)
    saved = c.save_rule_chain_meta_data(new)
    expect([n.name for n in saved.nodes][-1] == 'MQTT Integration Downlink' and saved.version > meta.version, saved.version)
    expect(status_of(lambda: c.save_rule_chain_meta_data(new)) == 409, 'stale rule chain save was not refused')


@step('one-way RPC (handle_one_way_device_rpc_request, setValue 32): the device gets {"value":32} on SN-001/rx')
def _():
    device_mqtt.subscribe(f'{SENSORS}/+/rx')
    received.clear()
    c.handle_one_way_device_rpc_request(ctx['device'].id, body={'method': 'setValue', 'params': 32})
    until(lambda: (f'{SENSORS}/SN-001/rx', '{"value":32}') in received, f'nothing on rx: {received}', timeout=10)


@step('one-way RPC through the v2 path (handle_one_way_device_rpc_request_v1, setValue 33)')
def _():
    received.clear()
    c.handle_one_way_device_rpc_request_v1(ctx['device'].id, body={'method': 'setValue', 'params': 33})
    until(lambda: (f'{SENSORS}/SN-001/rx', '{"value":33}') in received, f'nothing on rx: {received}', timeout=10)


# --- Simulating of Two-Way RPC ---------------------------------------------------------------------------------------
@step('two-way set-up: the guide\'s two-way encoder and decoder, and the rx/response topic filter')
def _():
    up = c.get_converter_by_id(ctx['uplink'].id)
    up.configuration = {'scriptLang': 'JS', 'decoder': SCRIPTS['decoderTwoway']}
    c.save_converter(up)
    down = c.get_converter_by_id(ctx['downlink'].id)
    down.configuration = {'scriptLang': 'JS', 'encoder': SCRIPTS['encoderTwoway']}
    c.save_converter(down)
    i = c.get_integration_by_id(ctx['integration'].id)
    i.configuration['topicFilters'].append({'filter': f'{SENSORS}/+/rx/response', 'qos': 0})
    c.save_integration(i)


@step('two-way RPC with the advanced simulator: 408 at its timeout (the guide\'s decoder stores the reply as telemetry)')
def _():
    sim = Mqtt(A.mqtt_host, A.mqtt_port, on_message=lambda t, p: sim.publish(t.replace('/rx/twoway', '/rx/response'), '{"rpcReceived":"OK"}'))
    sim.subscribe(f'{SENSORS}/+/rx/twoway')
    time.sleep(0.5)
    try:
        st = status_of(lambda: c.handle_two_way_device_rpc_request(ctx['device'].id, body={'method': 'setValue', 'params': 36, 'timeout': 1500}))
        expect(st == 408, f'status {st}')
        dev = EntityId(ctx['device'].id.id, 'DEVICE')
        until(lambda: (c.get_latest_timeseries(dev, keys='rpcReceived').get('rpcReceived') or [{}])[0].get('value') == 'OK', 'no rpcReceived telemetry')
    finally:
        sim.close()


@step('persistent two-way RPC on the v2 path; get_persisted_rpc_by_device pages it, get_persisted_rpc reads it')
def _():
    r = c.handle_two_way_device_rpc_request_v1(ctx['device'].id, body={'method': 'getValue', 'params': {}, 'persistent': True,
                                                                      'expirationTime': int(time.time() * 1000) + 60_000, 'retries': 1})
    rpc_id = r['rpcId']
    # the client hands this page over as parsed JSON, not as a model
    page = c.get_persisted_rpc_by_device(ctx['device'].id, page_size=10, page=0, rpc_status=None)
    expect(rpc_id in [x['id']['id'] for x in page['data']] and page['totalElements'] >= 1, page)
    one = c.get_persisted_rpc(rpc_id)
    expect(one.status in ('QUEUED', 'SENT', 'DELIVERED', 'TIMEOUT') and one.request['body']['method'] == 'getValue', one)


@step('save_rule_chain_v1: a new chain reads back (empty metadata), saves with its version, a stale version answers 409')
def _():
    chain = c.save_rule_chain_v1(RuleChain(name='Spare chain', tenant_id=ctx['tenant'], type='CORE'))
    meta = c.get_rule_chain_meta_data(chain.id)
    expect(meta.nodes == [] and meta.first_node_index == -1, meta)
    chain.debug_mode = True
    again = c.save_rule_chain_v1(chain)
    expect(again.version > chain.version, again.version)
    expect(status_of(lambda: c.save_rule_chain_v1(chain)) == 409, 'stale rule chain save was not refused')


# --- dashboards ----------------------------------------------------------------------------------------------------
@step('save_dashboard "MQTT Dashboard"; saving it again with a stale version answers 409')
def _():
    d = c.save_dashboard(Dashboard(title='MQTT Dashboard'))
    d.title = 'MQTT Dashboard (knob)'
    d2 = c.save_dashboard(d)
    expect(d2.version > d.version and d2.title == 'MQTT Dashboard (knob)', f'{d2.version}')
    expect(status_of(lambda: c.save_dashboard(d)) == 409, 'stale dashboard save was not refused')


device_mqtt.close()
passed = sum(results)
print(f'{passed} passed, {len(results) - passed} failed')
sys.exit(0 if passed == len(results) else 1)
