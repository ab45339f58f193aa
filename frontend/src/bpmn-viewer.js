// Read-only process diagram for the process view (pan/zoom, element markers).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

window.DicomStageBpmnViewer = { NavigatedViewer };
