"""What carehub writes in FHIR from the common model is valid FHIR: every kind of record any adapter makes, written
as the download writes it, is taken by its fhir.resources (R4B) model and keeps what the record said."""

import json
from types import SimpleNamespace

import pytest
from fhir.resources.R4B import get_fhir_model_class

from hub.careprovider.common import KINDS
from hub.careprovider.registry import load_adapters
from hub.dossier import export
from tests.adapters.test_contract import SAMPLES

ADAPTERS = load_adapters()


def mapped_records(name):
    settings, samples = SAMPLES[name]()
    adapter = ADAPTERS[name](settings)
    for source_type, payload in samples:
        yield from adapter.map(adapter.source_from_raw(source_type, json.loads(json.dumps(payload))))


@pytest.mark.parametrize('name', sorted(ADAPTERS))
def test_every_record_an_adapter_makes_is_written_as_valid_fhir(name):
    kinds = set()
    for record in mapped_records(name):
        # as a record from a system that sends no FHIR (Ons): written from the common model, not passed on
        stored = SimpleNamespace(raw=None, data=record.data, source_id=record.source_id, kind=record.kind)
        resource = export.fhir_resource(stored, 'client-1')
        model = get_fhir_model_class(resource['resourceType'])
        again = model.model_validate(resource).model_dump(mode='json', exclude_none=True)
        assert again == resource  # what the model takes, it writes back unchanged
        assert resource['id'] and json.loads(json.dumps(resource)) == resource
        kinds.add(record.kind)
    assert kinds, name
    if name == 'ons':  # the system whose records are written from the common model in real use
        assert kinds >= {'demographics', 'contact_person', 'insurance', 'report', 'plan', 'appointment'}, kinds


#: records of the kinds no adapter sample makes, as the common model takes them (stored as JSON)
MORE = {
    'questionnaire': {'title': 'Tevredenheid', 'status': 'completed', 'occurred_at': '2026-03-01T10:00:00+01:00',
                      'answers': [{'question': 'Hoe gaat het?', 'answer': 'Goed'}, {'question': 'Nog iets?'}]},
    'message': {'text': 'Morgen komt de fysiotherapeut om tien uur.', 'sender': 'Team Noord',
                'occurred_at': '2026-03-02T09:00:00+01:00'},
}


def test_every_kind_the_download_holds_is_written_as_valid_fhir():
    made = {kind for name in ADAPTERS for kind in (r.kind for r in mapped_records(name))}
    assert set(export.KINDS) <= made | set(MORE)
    for kind, data in MORE.items():
        stored = SimpleNamespace(raw=None, data=json.loads(json.dumps(KINDS[kind]().dump(KINDS[kind]().load(data)))),
                                 source_id=f'{kind}/1', kind=kind)
        resource = export.fhir_resource(stored, 'client-1')
        model = get_fhir_model_class(resource['resourceType'])
        assert model.model_validate(resource).model_dump(mode='json', exclude_none=True) == resource
    questionnaire = export.fhir_resource(SimpleNamespace(raw=None, data=MORE['questionnaire'], source_id='q/1',
                                                         kind='questionnaire'), 'client-1')
    assert [item.get('answer') for item in questionnaire['item']] == [[{'valueString': 'Goed'}], None]
