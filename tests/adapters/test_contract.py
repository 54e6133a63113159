"""The contract every registered adapter keeps, run against each one found through the entry points.

An adapter maps deterministically (the engine skips unchanged content by hash), into records its kind's
schema takes, without changing the payload, without the database or a request, and it rebuilds a source
record from its stored raw payload (remap).
"""

import ast
import copy
import json
from pathlib import Path

import pytest
from marshmallow import ValidationError

from hub.careprovider.adapter import Adapter, SourceRecord
from hub.careprovider.common import KINDS
from hub.careprovider.registry import load_adapters

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS = load_adapters()
#: the hub modules an adapter may import (DESIGN.md: the interface and the common-model schemas)
ALLOWED = {'hub.careprovider.adapter', 'hub.careprovider.common'}


def fhir_samples():
    from tests.adapters.test_fhir_mapping import FILES, resources_in
    from tests.careprovider.test_fhir_sync import client_records
    samples = [r for path in FILES for r in resources_in(path)] + client_records('p-contract', reports=3)
    return {'bundle': '/dev/null'}, [(r['resourceType'], r) for r in samples if r.get('id')]


def ons_samples():
    from tests.careprovider.test_ons import client_dossier
    from tests.ons_double import OnsDouble
    double = OnsDouble()
    client_dossier(double)
    types = {'clients': 'client', 'relations': 'client_contact_relation', 'insurances': 'insurance',
             'reports': 'report', 'care_plans': 'care_plan', 'agenda': 'agenda_occurrence'}
    return {'base_url': 'http://ons.invalid'}, [(types[c], m) for c, models in double.data.items() if c in types
                                                for m in models.values()]


def upload_samples():
    """What members upload is FHIR too; the adapter takes no settings."""
    return {}, fhir_samples()[1]


SAMPLES = {'fhir': fhir_samples, 'ons': ons_samples, 'fhir_upload': upload_samples}


def test_every_registered_adapter_has_samples_here():
    assert set(ADAPTERS) == set(SAMPLES), 'add samples for a new adapter to SAMPLES'


@pytest.mark.parametrize('name', sorted(ADAPTERS))
def test_an_adapter_maps_deterministically_into_valid_records_without_changing_its_input(name):
    settings, samples = SAMPLES[name]()
    adapter = ADAPTERS[name](settings)  # no app context is pushed: an adapter needs neither database nor request
    assert isinstance(adapter, Adapter) and adapter.name == name
    shown = 0
    for source_type, payload in samples:
        before = copy.deepcopy(payload)
        source = adapter.source_from_raw(source_type, json.loads(json.dumps(payload)))
        assert isinstance(source, SourceRecord) and source.source_id and source.source_type == source_type
        first, second = adapter.map(source), adapter.map(adapter.source_from_raw(source_type, payload))
        assert first == second  # unchanged content must hash the same
        assert payload == before
        ids = [record.source_id for record in first]
        assert len(ids) == len(set(ids))
        origin = f'{source.source_type}/{source.source_id}'  # keys never collide between two source records
        assert all(i == origin or i.startswith(origin + '#') for i in ids), (origin, ids)
        for record in first:
            assert record.kind in KINDS and isinstance(record.source_id, str) and record.source_id
            KINDS[record.kind]().load(record.data)
            json.dumps(record.data)  # stored as JSON
            assert record.occurred_at is None or record.occurred_at.utcoffset() is not None
            shown += 1
    assert shown >= len(samples) // 2


@pytest.mark.parametrize('name', sorted(ADAPTERS))
def test_an_adapter_refuses_settings_it_does_not_know(name):
    settings, _ = SAMPLES[name]()
    if settings:  # an adapter that takes no settings has none to miss
        with pytest.raises(ValidationError):
            ADAPTERS[name]({})
    with pytest.raises(ValidationError):
        ADAPTERS[name]({**settings, 'no_such_setting': '1'})


@pytest.mark.parametrize('name', sorted(ADAPTERS))
def test_an_adapter_without_a_valid_signature_takes_no_webhook(name):
    settings, _ = SAMPLES[name]()
    adapter = ADAPTERS[name](settings)
    assert adapter.verify_webhook({}, b'{}') is False
    assert adapter.verify_webhook({'X-Signature-SHA512': 'ab' * 64}, b'{}') is False


@pytest.mark.parametrize('name', sorted(ADAPTERS))
def test_an_adapter_imports_only_the_interface_of_the_hub(name):
    package = ROOT / 'adapters' / ADAPTERS[name].__module__.split('.')[1]
    for path in package.rglob('*.py'):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for module in modules:
                top = module.split('.')[0]
                assert top not in ('flask', 'flask_sqlalchemy', 'sqlalchemy'), f'{path.name} imports {module}'
                assert top != 'hub' or module in ALLOWED, f'{path.name} imports {module}'


def test_a_missing_duplicate_or_wrong_adapter_stops_start_up():
    from importlib.metadata import EntryPoint

    from hub.careprovider.registry import AdapterLoadError

    def point(name, value):
        return EntryPoint(name=name, value=value, group='carehub.adapters')
    with pytest.raises(AdapterLoadError, match='no adapters'):
        load_adapters([])
    with pytest.raises(AdapterLoadError, match='twice'):
        load_adapters([point('fhir', 'adapters.fhir:FhirAdapter'), point('fhir', 'adapters.fhir:FhirAdapter')])
    with pytest.raises(AdapterLoadError, match='failed to load'):
        load_adapters([point('gone', 'adapters.gone:GoneAdapter')])
    with pytest.raises(AdapterLoadError, match='not an Adapter'):
        load_adapters([point('fhir', 'adapters.fhir:FhirSettings')])
    with pytest.raises(AdapterLoadError, match='calls itself'):
        load_adapters([point('other', 'adapters.fhir:FhirAdapter')])
